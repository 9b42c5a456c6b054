import { randomUUID } from 'node:crypto';
import { access, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes under a temporary name in the same folder, then renames: a crash leaves at most a `.tmp-*` file, never half a file under the real name. */
export function atomicWrite(path: string, content: string | Uint8Array): Promise<void> {
  return replaceAtomically(path, (temporary) => writeFile(temporary, content));
}

/** atomicWrite of chunks, with vectored writes (no concatenated copy of the content). */
export function atomicWriteChunks(path: string, chunks: readonly Buffer[]): Promise<void> {
  return replaceAtomically(path, async (temporary) => {
    const file = await open(temporary, 'w');
    try {
      // writev takes at most IOV_MAX (1024 on Linux) buffers per call.
      for (let i = 0; i < chunks.length; i += 1024) await writeAllv(file, chunks.slice(i, i + 1024));
    } finally {
      await file.close();
    }
  });
}

async function replaceAtomically(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = `${dirname(path)}/.tmp-${randomUUID()}`;
  try {
    await write(temporary);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeAllv(file: import('node:fs/promises').FileHandle, chunks: Buffer[]): Promise<void> {
  let pending = chunks;
  while (pending.length > 0) {
    let { bytesWritten } = await file.writev(pending);
    // A short write: skip what went out and write the rest.
    while (pending.length > 0 && bytesWritten >= (pending[0] as Buffer).length) bytesWritten -= (pending.shift() as Buffer).length;
    if (pending.length > 0 && bytesWritten > 0) pending[0] = (pending[0] as Buffer).subarray(bytesWritten);
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
