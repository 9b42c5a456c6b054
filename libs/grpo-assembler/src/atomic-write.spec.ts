import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteChunksSync } from './atomic-write';

describe('atomicWriteChunksSync', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atomic-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes more chunks than one writev takes (IOV_MAX), in order, and leaves no temporary file', () => {
    const chunks = Array.from({ length: 2_500 }, (_, i) => Buffer.from(`line ${i}\n`));
    atomicWriteChunksSync(join(dir, 'batch.jsonl'), chunks);
    expect(readFileSync(join(dir, 'batch.jsonl'), 'utf8')).toBe(Buffer.concat(chunks).toString());
    expect(readdirSync(dir)).toEqual(['batch.jsonl']);
  });

  it('replaces an existing file whole', () => {
    const path = join(dir, 'batch.jsonl');
    atomicWriteChunksSync(path, [Buffer.from('old content that is longer\n')]);
    atomicWriteChunksSync(path, [Buffer.from('new\n')]);
    expect(readFileSync(path, 'utf8')).toBe('new\n');
  });

  it('throws when the folder is missing, leaving nothing behind', () => {
    expect(() => atomicWriteChunksSync(join(dir, 'gone', 'batch.jsonl'), [Buffer.from('x')])).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
