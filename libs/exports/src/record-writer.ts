/** Where an export's records go: one JSONL line each, or buffered into Parquet row groups. */
export interface RecordWriter<Row> {
  write(row: Row): Promise<void>;
  finish(): Promise<void>;
}
