import { randomUUID } from 'node:crypto';
import { access, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes under a temporary name in the same folder, then renames: a crash leaves at most a `.tmp-*` file, never half a file under the real name. */
export async function atomicWrite(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${dirname(path)}/.tmp-${randomUUID()}`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
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
