import { createHash, hash } from 'node:crypto';

// One-shot crypto.hash (Node ≥ 20.12) is about twice as fast as createHash for short inputs, and
// the simulator derives one id per event; older Node 20 releases fall back to createHash.
const sha256Hex: (text: string) => string =
  typeof hash === 'function' ? (text) => hash('sha256', text, 'hex') : (text) => createHash('sha256').update(text).digest('hex');

/** Variant bits (10xx) of the UUID's 17th hex digit, from the digest's digit there. */
const VARIANT = '89ab89ab89ab89ab';

/**
 * A UUID (version 8, RFC 9562 "custom") derived from its parts by SHA-256: the same parts give the
 * same id in every process. Importers and the simulator use it so that re-running an import or a
 * seeded simulation produces the very same event ids, and consumers dedupe the second copy.
 */
export function deterministicUuid(...parts: readonly (string | number)[]): string {
  // JSON keeps part boundaries unambiguous: ("a|b", "c") and ("a", "b|c") differ.
  const hex = sha256Hex(JSON.stringify(parts));
  // Version 8 in digit 13, variant 10xx in digit 17; the other 122 bits are the digest's first ones.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${VARIANT[parseInt(hex[16], 16)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Hex SHA-256 of a JSON value with object keys sorted, so equal content gives equal digests. */
export function contentDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
