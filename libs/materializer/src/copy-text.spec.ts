import { copyBool, copyNumber, copyNumberArray, copyRows, copyText, copyTimestamp } from './copy-text';

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
});
