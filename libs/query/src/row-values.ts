// pg returns bigint columns as strings (int64 does not fit a JS number in general); the ones we
// read — policy versions, durations — are far below 2^53, so numbers are safe and friendlier.
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : Number(value);
}

export function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(typeof value === 'number' ? value : String(value))).toISOString();
}

export function toMillis(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Math.floor(value);
  return (value instanceof Date ? value : new Date(String(value))).getTime();
}

/** jsonb `details` arrives parsed; the trajectory model keeps it as the JSON text of the wire. */
export function toJsonText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
