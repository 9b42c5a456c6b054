import { loadParquetWriter } from './esm-loader';
import type { OutputSink } from './output-sink';
import { rootSchema, type ParquetColumn } from './parquet-schema';
import type { RecordWriter } from './record-writer';

/**
 * Streams a Parquet file: rows are buffered into one row group at a time, each row group is
 * encoded and its bytes handed to the sink, then the buffer is reused. Memory is one row group
 * plus the footer metadata (a few bytes per column chunk), whatever the number of rows.
 */
export class ParquetRecordWriter<Row> implements RecordWriter<Row> {
  private readonly byteWriter: InstanceType<ReturnType<typeof loadParquetWriter>['ByteWriter']>;
  private readonly writer: InstanceType<ReturnType<typeof loadParquetWriter>['ParquetWriter']>;
  private rows: Row[] = [];
  private pendingFlush: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: OutputSink,
    private readonly columns: readonly ParquetColumn<Row>[],
    private readonly rowGroupSize: number,
  ) {
    const { ByteWriter, ParquetWriter } = loadParquetWriter();
    this.byteWriter = new ByteWriter();
    const bytes = this.byteWriter as unknown as { buffer: ArrayBuffer; index: number; flush?: () => Promise<void>; finish: () => Promise<void> };
    // ParquetWriter calls flush() after each row group (and awaits it); finish() after the footer.
    bytes.flush = () => this.drainBytes();
    bytes.finish = () => this.drainBytes();
    this.writer = new ParquetWriter({
      writer: this.byteWriter,
      schema: rootSchema(columns as readonly ParquetColumn<never>[]) as never,
      // Fixed so two exports of the same data are byte-identical (no version or time in the file).
      createdBy: 'rollout-ledger',
    });
  }

  async write(row: Row): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.rowGroupSize) await this.writeRowGroup();
  }

  async finish(): Promise<void> {
    await this.writeRowGroup();
    await this.writer.finish();
  }

  private async writeRowGroup(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    const columnData = this.columns.map((column) => ({ name: column.name, data: rows.map((row) => column.value(row)) as never }));
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }

  private drainBytes(): Promise<void> {
    const bytes = this.byteWriter as unknown as { buffer: ArrayBuffer; index: number };
    if (bytes.index === 0) return Promise.resolve();
    // Copy out: the ByteWriter reuses its buffer for the next row group.
    const chunk = new Uint8Array(bytes.buffer.slice(0, bytes.index));
    bytes.index = 0;
    this.pendingFlush = this.sink.write(chunk);
    return this.pendingFlush;
  }
}
