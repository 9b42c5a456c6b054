import { copyBool, copyJson, copyNumber, copyNumberArray, copyRowBuffers, copyRows, copyText, copyTimestamp } from './copy-text';

describe('COPY text format', () => {
  it('escapes backslash, tab, newline and carriage return, and writes NULL as \\N', () => {
    expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyText('plain ünïcödé 😀')).toBe('plain ünïcödé 😀');
    expect(copyText(null)).toBe('\\N');
    expect(copyText('\\N')).toBe('\\\\N'); // the text "\N" is not NULL
  });

  it('keeps numbers exact, including -0, NaN and infinities', () => {
    expect([0.1, -0, NaN, Infinity, -Infinity, 12345678901234].map(copyNumber)).toEqual(['0.1', '-0', 'NaN', 'Infinity', '-Infinity', '12345678901234']);
    expect(copyNumberArray([1, -2.5, Math.fround(0.1)])).toBe(`{1,-2.5,${Math.fround(0.1)}}`);
    expect(copyNumberArray([])).toBe('{}');
    expect(copyNumberArray(null)).toBe('\\N');
  });

  it('writes booleans, timestamps and rows', () => {
    expect([copyBool(true), copyBool(false), copyBool(null)]).toEqual(['t', 'f', '\\N']);
    expect(copyTimestamp(1_767_225_600_123)).toBe('2026-01-01T00:00:00.123Z');
    const columns = [
      { name: 'a', encode: (r: { a: string; b: number }) => copyText(r.a) },
      { name: 'b', encode: (r: { a: string; b: number }) => copyNumber(r.b) },
    ];
    expect(copyRows(columns, [{ a: 'x\ty', b: 1 }, { a: 'z', b: 2 }])).toBe('x\\ty\t1\nz\t2\n');
    expect(copyRows(columns, [])).toBe('');
  });

  it('escapes JSON text by doubling its backslashes (JSON.stringify leaves no raw tab or newline)', () => {
    const json = JSON.stringify({ text: 'line\nbreak\ttab "quoted" back\\slash' });
    expect(copyJson(json)).toBe(copyText(json));
    expect(copyJson('{"a":1}')).toBe('{"a":1}');
    expect(copyJson(null)).toBe('\\N');
  });

  it('writes -0, NaN and infinities in number arrays the slow way', () => {
    expect(copyNumberArray([1, -0, 2])).toBe('{1,-0,2}');
    expect(copyNumberArray([NaN, Infinity, -Infinity])).toBe('{NaN,Infinity,-Infinity}');
  });

  it('encodes rows into UTF-8 chunks byte for byte like copyRows, across chunk boundaries', () => {
    type Row = { a: string; b: number };
    const columns = [
      { name: 'a', encode: (r: Row) => copyText(r.a) },
      { name: 'b', encode: (r: Row) => copyNumber(r.b) },
    ];
    const rows: Row[] = [];
    for (let i = 0; i < 20_000; i++) rows.push({ a: `ünï😀\t${'x'.repeat(i % 300)}\n`, b: i });
    rows.push({ a: 'y'.repeat(3 << 20), b: -1 }); // larger than one chunk
    const chunks = copyRowBuffers(columns, rows);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(copyRows(columns, rows));
    expect(copyRowBuffers(columns, [])).toEqual([]);
  });
});
