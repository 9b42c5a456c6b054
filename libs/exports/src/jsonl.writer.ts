import type { OutputSink } from './output-sink';
import type { RecordWriter } from './record-writer';

/** One JSON document per line. Key order is the order the record was built in, so output is reproducible. */
export class JsonlWriter<Row> implements RecordWriter<Row> {
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(private readonly sink: OutputSink, private readonly chunkBytes = 256 * 1024) {}

  async write(row: Row): Promise<void> {
    const line = `${JSON.stringify(row)}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    // Lines are joined into ~256 KiB writes: one stream write per line costs more than the JSON.
    if (this.pendingBytes >= this.chunkBytes) await this.flush();
  }

  async finish(): Promise<void> {
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    await this.sink.write(chunk);
  }
}
