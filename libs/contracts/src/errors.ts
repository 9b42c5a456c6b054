/**
 * Typed errors. Every error Rollout Ledger raises on purpose has a stable `code` and says whether
 * retrying can help (`retriable`): consumers retry retriable errors and send poison (non-retriable)
 * input to the dead-letter topic; the HTTP edge maps codes to status codes.
 */
export class LedgerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retriable: boolean = false,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isLedgerError(error: unknown, code?: string): error is LedgerError {
  return error instanceof LedgerError && (code === undefined || error.code === code);
}

/** One problem found while validating input: where it is and why it is wrong. */
export interface FieldIssue {
  /** Index of the event in the request, when the input held several. */
  readonly index?: number;
  /** Dotted path of the field, e.g. `tool_calls[0].arguments`. */
  readonly path: string;
  readonly reason: string;
}

/** Input that can never succeed as it is (bad field, unknown type…): not retriable. */
export class ValidationError extends LedgerError {
  constructor(message: string, readonly issues: readonly FieldIssue[] = []) {
    super('VALIDATION_FAILED', message, false, issues);
  }
}

/** Configuration that stops a process from booting. */
export class ConfigError extends LedgerError {
  constructor(message: string, readonly issues: readonly FieldIssue[] = []) {
    super('CONFIG_INVALID', message, false, issues);
  }
}
