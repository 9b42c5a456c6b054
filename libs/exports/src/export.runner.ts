import type { Writable } from 'node:stream';
import type { RolloutFilter, RolloutRepository } from '@rollout-ledger/query';
import type { Trajectory } from '@rollout-ledger/trajectory';
import { dpoRecord } from './dpo.format';
import type { ExportOptions } from './export-format';
import { groupsOf, trajectoriesOf } from './history-source';
import { JsonlWriter } from './jsonl.writer';
import { OutputSink } from './output-sink';
import { ParquetRecordWriter } from './parquet.writer';
import type { RecordWriter } from './record-writer';
import { rewardSelector } from './reward-choice';
import { RL_COLUMNS } from './rl-parquet.columns';
import { rlRows, type RlRow } from './rl.format';
import { sftLinesOf } from './sft-lines.source';
import { trlRecord } from './trl.format';
import { VERL_COLUMNS, verlRow, type VerlRow } from './verl.format';

export interface ExportProgress {
  readonly trajectories: number;
  readonly records: number;
  readonly bytes: number;
}

export interface ExportSummary extends ExportProgress {
  readonly format: string;
  readonly file_format: string;
}

export interface RunExportParams {
  readonly repository: RolloutRepository;
  readonly filter: RolloutFilter;
  readonly options: ExportOptions;
  readonly out: Writable;
  /** Rollouts per keyset page; memory is bounded by it (and by one Parquet row group). */
  readonly pageSize: number;
  readonly rowGroupSize: number;
  readonly onProgress?: (progress: ExportProgress) => void;
}

/**
 * Streams one export: keyset pages of trajectories → records → JSONL lines or Parquet row groups
 * → `out`. Output depends only on the data and the request (fixed order, no timestamps), so the
 * same filters over the same history give a byte-identical file. Does not end `out`.
 */
export async function runExport(params: RunExportParams): Promise<ExportSummary> {
  const { options, filter } = params;
  const sink = new OutputSink(params.out);
  const selector = rewardSelector(filter.reward_fn);
  const counts = { trajectories: 0, records: 0 };
  const report = () => params.onProgress?.({ ...counts, bytes: sink.bytes });
  const source = counting(trajectoriesOf(params.repository, filter, params.pageSize), () => {
    counts.trajectories++;
    if (counts.trajectories % 100 === 0) report();
  });
  const emit = async <Row>(writer: RecordWriter<Row>, rows: AsyncIterable<Row>) => {
    for await (const row of rows) {
      await writer.write(row);
      counts.records++;
    }
    await writer.finish();
  };
  switch (options.format) {
    case 'sft':
      for await (const chunk of sftLinesOf(params.repository, filter, params.pageSize, options.weights)) {
        await sink.write(chunk.bytes);
        counts.trajectories += chunk.lines;
        counts.records += chunk.lines;
        report();
      }
      break;
    case 'trl':
      await emit(new JsonlWriter(sink), map(source, trlRecord));
      break;
    case 'verl':
      await emit<VerlRow>(new ParquetRecordWriter(sink, VERL_COLUMNS, params.rowGroupSize), map(source, (t) => verlRow(t, selector)));
      break;
    case 'rl': {
      const writer: RecordWriter<RlRow> =
        options.fileFormat === 'parquet' ? new ParquetRecordWriter(sink, RL_COLUMNS, params.rowGroupSize) : new JsonlWriter(sink);
      await emit(writer, flatMap(groupsOf(source), (group) => rlRows(group, selector, options.advantage)));
      break;
    }
    case 'dpo':
      await emit(new JsonlWriter(sink), flatMap(groupsOf(source), (group) => {
        const record = dpoRecord(group, selector);
        return record === null ? [] : [record];
      }));
      break;
    default: {
      const unknown: never = options.format;
      throw new Error(`unknown export format ${String(unknown)}`);
    }
  }
  report();
  return { format: options.format, file_format: options.fileFormat, ...counts, bytes: sink.bytes };
}

async function* counting(source: AsyncIterable<Trajectory>, tick: () => void): AsyncGenerator<Trajectory> {
  for await (const item of source) {
    tick();
    yield item;
  }
}

async function* map<T, U>(source: AsyncIterable<T>, fn: (item: T) => U): AsyncGenerator<U> {
  for await (const item of source) yield fn(item);
}

async function* flatMap<T, U>(source: AsyncIterable<T>, fn: (item: T) => readonly U[]): AsyncGenerator<U> {
  for await (const item of source) yield* fn(item);
}
