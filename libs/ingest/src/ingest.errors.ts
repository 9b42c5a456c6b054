import { ValidationError, type FieldIssue } from '@rollout-ledger/contracts';

/** Codes the ingest gateway adds; their HTTP status is set in libs/http (STATUS_BY_CODE). */
export const IngestErrorCodes = {
  /** A body that is not JSON / NDJSON (400). */
  malformedBody: 'MALFORMED_JSON',
  /** An envelope names an event type the gateway does not accept (400). */
  eventTypeUnknown: 'EVENT_TYPE_UNKNOWN',
  /** More events than INGEST_MAX_EVENTS, or an event larger than the broker accepts (413). */
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** Kafka (or the registry) failed; nothing of the batch was published; retry it as it is (503). */
  ingestUnavailable: 'INGEST_UNAVAILABLE',
} as const;

/** The body could not be read as JSON / NDJSON; `line` issues name where. */
export class MalformedBodyError extends ValidationError {
  override readonly code: string = IngestErrorCodes.malformedBody;
}

/** At least one envelope names a type the gateway does not accept. */
export class UnknownEventTypeError extends ValidationError {
  override readonly code: string = IngestErrorCodes.eventTypeUnknown;

  constructor(message: string, issues: readonly FieldIssue[]) {
    super(message, issues);
  }
}
