import { LedgerError } from '@rollout-ledger/contracts';

/** Codes the HTTP edge maps (libs/http STATUS_BY_CODE): BATCH_NOT_FOUND → 404, LEASE_CONFLICT → 409. */
export class BatchNotFoundError extends LedgerError {
  constructor(batchId: string) {
    super('BATCH_NOT_FOUND', `no batch ${batchId} in this assembler`);
  }
}

/** The lease presented is not the batch's current one: it expired and went to another trainer, or was ended. */
export class LeaseConflictError extends LedgerError {
  constructor(batchId: string, leaseId: string, why: string) {
    super('LEASE_CONFLICT', `lease ${leaseId} of batch ${batchId} is not current: ${why}`, false, { batchId, leaseId });
  }
}

export class PayloadNotFoundError extends LedgerError {
  constructor(batchId: string, format: string) {
    super('NOT_FOUND', `the ${format} payload of batch ${batchId} is missing from the output folder`);
  }
}

/** Retriable (→ 503): the Parquet payload is written right after the batch commits; ask again shortly. */
export class PayloadPendingError extends LedgerError {
  constructor(batchId: string) {
    super('PAYLOAD_PENDING', `the parquet payload of batch ${batchId} is being written; retry shortly (the JSONL is ready)`, true);
  }
}
