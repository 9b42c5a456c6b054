import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { LedgerError, ValidationError } from '@rollout-ledger/contracts';

/** Error codes → HTTP status, in one place at the edge. Unknown codes of retriable errors → 503. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  EVENT_TYPE_UNKNOWN: 400,
  FILTER_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BATCH_NOT_FOUND: 404,
  ROLLOUT_NOT_FOUND: 404,
  LEASE_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  MALFORMED_JSON: 400,
  INGEST_UNAVAILABLE: 503,
  REWARD_FN_UNKNOWN: 400,
};

export function httpStatusOf(error: LedgerError): number {
  return STATUS_BY_CODE[error.code] ?? (error.retriable ? 503 : 500);
}

@Catch()
export class LedgerExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof LedgerError) {
      const status = httpStatusOf(exception);
      if (status >= 500) this.logger.error(`${exception.code}: ${exception.message}`);
      response.status(status).json({
        error: exception.code,
        message: exception.message,
        ...(exception instanceof ValidationError && exception.issues.length > 0 ? { issues: exception.issues } : {}),
      });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      // Nest rethrows body-parser failures as HttpExceptions; keep their meaning in the code.
      const cause = exception.cause as { type?: string } | undefined;
      const malformed = status === 400 && (cause?.type === 'entity.parse.failed' || /JSON/.test(String(message)));
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 404 ? 'NOT_FOUND' : malformed ? 'MALFORMED_JSON' : `HTTP_${status}`;
      const text = Array.isArray(message) ? message.join('; ') : String(message);
      response.status(status).json({ error: code, message: malformed ? `request body is not valid JSON: ${text}` : text });
      return;
    }
    // Body-parser errors (malformed JSON, too large) are plain errors with a status.
    const status = (exception as { status?: number; statusCode?: number }).status ?? (exception as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (exception as { type?: string }).type;
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : type === 'entity.parse.failed' ? 'MALFORMED_JSON' : `HTTP_${status}`;
      response.status(status).json({ error: code, message: (exception as Error).message });
      return;
    }
    this.logger.error((exception as Error)?.stack ?? String(exception));
    response.status(500).json({ error: 'INTERNAL', message: 'internal error' });
  }
}
