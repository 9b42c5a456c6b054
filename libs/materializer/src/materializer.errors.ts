import { LedgerError } from '@rollout-ledger/contracts';

export const MaterializerErrorCodes = {
  /** A decoded event the tables cannot hold (bad JSON in a JSON field, NUL characters…): poison. */
  eventUnprojectable: 'EVENT_UNPROJECTABLE',
  /** PostgreSQL refused an event's rows on their data, try after try: poison. */
  eventRejectedByDatabase: 'EVENT_REJECTED_BY_DATABASE',
  /** PostgreSQL cannot be reached or failed for a reason unrelated to the data: retried. */
  postgresUnavailable: 'POSTGRES_UNAVAILABLE',
} as const;

export class ProjectionError extends LedgerError {
  constructor(message: string, details?: unknown) {
    super(MaterializerErrorCodes.eventUnprojectable, message, false, details);
  }
}

/**
 * SQLSTATE classes 22 (data exception) and 23 (integrity violation) are the only ones a row's own
 * content can cause; everything else (connection lost, shutdown, deadlock, missing table, full
 * disk…) is the database's condition and must pause the consumer, never dead-letter events.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

export function asProjectionError(error: unknown): LedgerError {
  if (error instanceof LedgerError) return error;
  return new ProjectionError(`projection failed: ${(error as Error)?.message ?? String(error)}`);
}
