import { Client, type Notification } from 'pg';

/** The channel the `grpo_batch_available` trigger notifies, with the assembler's name as payload. */
export const BATCH_AVAILABLE_CHANNEL = 'rollout_ledger_grpo_batches';

export interface AvailabilityLogger {
  warn(message: string): void;
}

const RECONNECT_INITIAL_MS = 500;
const RECONNECT_MAX_MS = 10_000;

/**
 * Wakes long-polling lease requests when a batch of this assembler becomes available: one LISTEN
 * connection per process receives the trigger's NOTIFY when the creating (or nacking) transaction
 * commits, on whichever instance it ran. A lost connection is reopened with backoff; waiters also
 * re-check on their own timer, so a missed notification delays a batch, it never hides it.
 */
export class BatchAvailability {
  private client: Client | null = null;
  private wake = signal();
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay = RECONNECT_INITIAL_MS;
  private listening = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly assembler: string,
    private readonly logger: AvailabilityLogger,
  ) {}

  /** Opens the LISTEN connection; a failure is logged and retried in the background. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Whether notifications arrive now (false while the connection is being reopened). */
  get isListening(): boolean {
    return this.listening;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Settles at the first notification after this call, or at close. Take it before looking for a
   * batch, so one committed between the look and the wait is not missed.
   */
  next(): Promise<void> {
    return this.wake.promise;
  }

  /** Stops listening and releases every waiter (they answer "nothing leasable" at once). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.release();
    const client = this.client;
    this.client = null;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private release(): void {
    const current = this.wake;
    this.wake = signal();
    current.resolve();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    // Named, so an operator sees which assembler's wake-ups a backend carries (63 bytes at most).
    const client = new Client({ connectionString: this.databaseUrl, application_name: listenerName(this.assembler) });
    this.client = client;
    client.on('notification', (message: Notification) => {
      if (message.channel === BATCH_AVAILABLE_CHANNEL && message.payload === this.assembler) this.release();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`listen ${BATCH_AVAILABLE_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.client !== client) return; // lost or closed meanwhile
    this.listening = true;
    this.reconnectDelay = RECONNECT_INITIAL_MS;
    // What became available while nothing listened is found by the waiters' re-check; waking them
    // now makes it immediate.
    this.release();
  }

  /** The current connection failed or ended: reopen it later (once per connection). */
  private lost(client: Client, error: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    this.listening = false;
    client.end().catch(() => undefined);
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, RECONNECT_MAX_MS);
    this.logger.warn(`lease wake-ups: LISTEN ${BATCH_AVAILABLE_CHANNEL} connection lost (${error.message}); reconnecting in ${delay} ms, waiting trainers re-check meanwhile`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }
}

/** The application_name of an assembler's LISTEN connection (pg_stat_activity). */
export function listenerName(assembler: string): string {
  return `rollout-ledger leases ${assembler}`.slice(0, 63);
}

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
