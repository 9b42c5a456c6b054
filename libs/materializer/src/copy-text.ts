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

/**
 * Text that JSON.stringify produced: it never holds a raw tab, newline or carriage return (JSON
 * escapes every control character), so doubling the backslashes is the whole escaping — one
 * native scan instead of a regex with a callback per match over the largest column we write.
 */
export function copyJson(value: string | null): string {
  if (value === null) return NULL;
  return value.indexOf('\\') === -1 ? value : value.replaceAll('\\', '\\\\');
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
  // Token ids and logprobs are finite and never -0: the native join writes them as copyNumber would.
  let plain = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || (v === 0 && 1 / v < 0)) {
      plain = false;
      break;
    }
  }
  if (plain) return `{${values.join(',')}}`;
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

const CHUNK_BYTES = 1 << 20;

/**
 * The COPY payload of rows as UTF-8 chunks, encoded straight into buffers: no line strings, no
 * joined batch string and no copy of it into a Buffer (the string version's concatenations and
 * flattening were most of the encoding time, and its garbage most of the GC). Same bytes as
 * copyRows.
 */
export function copyRowBuffers<R>(columns: readonly CopyColumn<R>[], rows: readonly R[]): Buffer[] {
  const chunks: Buffer[] = [];
  let buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let pos = 0;
  const room = (bytes: number) => {
    if (buf.length - pos >= bytes) return;
    if (pos > 0) chunks.push(buf.subarray(0, pos));
    buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    pos = 0;
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (let c = 0; c < columns.length; c++) {
      const text = columns[c].encode(row);
      // A UTF-16 code unit is at most 3 UTF-8 bytes; +1 for the tab or newline after it.
      room(text.length * 3 + 1);
      pos += buf.write(text, pos);
      buf[pos++] = c === columns.length - 1 ? 0x0a : 0x09;
    }
  }
  if (pos > 0) chunks.push(buf.subarray(0, pos));
  return chunks;
}
