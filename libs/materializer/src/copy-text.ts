/**
 * Encoders for PostgreSQL's COPY text format (tab-separated, `\N` for NULL, backslash escapes).
 * Text format rather than CSV or binary: the cheapest for Postgres to parse and for us to build.
 */
const NULL = '\\N';
const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export type CopyEncoder<T> = (value: T) => string;

export function copyText(value: string | null): string {
  if (value === null) return NULL;
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
}

/** Finite integers, doubles and Avro floats; -0, NaN and ±Infinity keep their meaning. */
export function copyNumber(value: number | null): string {
  if (value === null) return NULL;
  if (Object.is(value, -0)) return '-0';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

export function copyBool(value: boolean | null): string {
  if (value === null) return NULL;
  return value ? 't' : 'f';
}

export function copyTimestamp(epochMs: number | null): string {
  return epochMs === null ? NULL : new Date(epochMs).toISOString();
}

/** An int[] / real[] literal: `{1,2,3}` (numbers need no quoting inside array literals). */
export function copyNumberArray(values: readonly number[] | null): string {
  if (values === null) return NULL;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += copyNumber(values[i]);
  }
  return `${out}}`;
}

export interface CopyColumn<R> {
  readonly name: string;
  readonly encode: (row: R) => string;
}

/** The COPY payload of rows: one line each, columns in the given order. */
export function copyRows<R>(columns: readonly CopyColumn<R>[], rows: readonly R[]): string {
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let line = '';
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) line += '\t';
      line += columns[c].encode(row);
    }
    lines[i] = line;
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
