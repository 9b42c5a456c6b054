import { randomUUID } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writevSync } from 'node:fs';
import { access, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes under a temporary name in the same folder, then renames: a crash leaves at most a `.tmp-*` file, never half a file under the real name. */
export function atomicWrite(path: string, content: string | Uint8Array): Promise<void> {
  return replaceAtomically(path, (temporary) => writeFile(temporary, content));
}

/**
 * atomicWrite of chunks, synchronously, with vectored writes (no concatenated copy of the content).
 * For a batch payload of a few MB on a local disk this costs about a millisecond of the event
 * loop; the asynchronous open/writev/close/rename took five trips through a busy loop instead,
 * 15–60 ms under load, all of them between a group's last reward and its batch being leasable.
 */
export function atomicWriteChunksSync(path: string, chunks: readonly Buffer[]): void {
  const temporary = temporaryPathFor(path);
  try {
    const fd = openSync(temporary, 'w');
    try {
      // writev takes at most IOV_MAX (1024 on Linux) buffers per call.
      for (let i = 0; i < chunks.length; i += 1024) writeAllvSync(fd, chunks.slice(i, i + 1024));
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

async function replaceAtomically(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    await write(temporary);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function writeAllvSync(fd: number, chunks: Buffer[]): void {
  let pending = chunks;
  while (pending.length > 0) {
    let bytesWritten = writevSync(fd, pending);
    // A short write: skip what went out and write the rest.
    while (pending.length > 0 && bytesWritten >= (pending[0] as Buffer).length) bytesWritten -= (pending.shift() as Buffer).length;
    if (pending.length > 0 && bytesWritten > 0) pending[0] = (pending[0] as Buffer).subarray(bytesWritten);
  }
}

/** A fresh temporary name next to `path` (same folder, so the rename is atomic). */
function temporaryPathFor(path: string): string {
  return `${dirname(path)}/.tmp-${randomUUID()}`;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
