import { ValidationError } from '@rollout-ledger/contracts';

/**
 * Opaque keyset cursor: the sort key of the last row served. Keyset (not offset) pagination keeps
 * every page an index range scan and stays stable while new rollouts arrive.
 */
export interface RolloutCursor {
  readonly rollout_id: string;
}

export function encodeCursor(cursor: RolloutCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, r: cursor.rollout_id }), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string): RolloutCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const candidate = parsed as { v?: unknown; r?: unknown } | null;
  if (candidate === null || typeof candidate !== 'object' || candidate.v !== 1 || typeof candidate.r !== 'string') {
    throw new ValidationError('invalid cursor: pass back the next_cursor of a previous page unchanged', [
      { path: 'cursor', reason: 'not a cursor this API issued' },
    ]);
  }
  return { rollout_id: candidate.r };
}
