import type { Writable } from 'node:stream';

/**
 * Writes chunks to a Node stream honouring backpressure: when the stream's buffer is full we wait
 * for 'drain', so a slow client or disk slows the database reads down instead of filling memory.
 */
export class OutputSink {
  private written = 0;

  constructor(private readonly out: Writable) {}

  get bytes(): number {
    return this.written;
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    this.written += length;
    if (this.out.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        this.out.off('drain', onDrain);
        this.out.off('error', onError);
        this.out.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onError = (error: Error) => done(error);
      const onClose = () => done(new Error('output closed before the export finished'));
      this.out.once('drain', onDrain);
      this.out.once('error', onError);
      this.out.once('close', onClose);
    });
  }
}
