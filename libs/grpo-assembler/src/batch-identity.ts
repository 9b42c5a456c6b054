import { createHash } from 'node:crypto';

/**
 * A batch id that depends only on what the batch is: re-assembling the same groups after a crash
 * yields the same id (and the same payload file names), so a retry can never create a second batch.
 */
export function batchIdOf(assembler: string, runId: string, sequence: number, groupIds: readonly string[]): string {
  return `b-${digest([assembler, runId, String(sequence), ...groupIds]).slice(0, 32)}`;
}

/** The BatchAssembled event_id: deterministic too, so a re-published event dedupes downstream. */
export function batchEventIdOf(batchId: string): string {
  const hex = digest(['BatchAssembled', batchId]);
  // UUID layout (version 5-style nibble and variant bits) because event_id is documented as a UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// NUL cannot occur in the ids, so joining with it is unambiguous.
function digest(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}
