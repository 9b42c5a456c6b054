import { LedgerError } from '@rollout-ledger/contracts';

export type StackErrorCode =
  | 'JAVA_MISSING'
  | 'JAVA_TOO_OLD'
  | 'MAVEN_MISSING'
  | 'ARTIFACT_FETCH_FAILED'
  | 'PORT_TAKEN'
  | 'SERVICE_FAILED'
  | 'SERVICE_TIMEOUT'
  | 'POSTGRES_UNAVAILABLE';

export class StackError extends LedgerError {
  constructor(code: StackErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, false, undefined, options);
  }
}
