import type { AdvantageMode } from '@rollout-ledger/grpo';

export const EXPORT_FORMATS = ['sft', 'trl', 'verl', 'rl', 'dpo'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FILE_FORMATS = ['jsonl', 'parquet'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** Which file formats each export can be written as; the first is the default. */
export const FILE_FORMATS_OF: Readonly<Record<ExportFormat, readonly FileFormat[]>> = {
  sft: ['jsonl'],
  trl: ['jsonl'],
  verl: ['parquet'],
  rl: ['jsonl', 'parquet'],
  dpo: ['jsonl'],
};

export const CONTENT_TYPES: Readonly<Record<FileFormat, string>> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

export interface ExportOptions {
  readonly format: ExportFormat;
  readonly fileFormat: FileFormat;
  /** rl only: how advantages are computed within each group. */
  readonly advantage: AdvantageMode;
  /** sft only: add `weight` (1 trainable, 0 not) to assistant messages. */
  readonly weights: boolean;
}

/** `--format-file` wins; otherwise the extension of `--out` (`.parquet`, `.jsonl`); otherwise the default. */
export function inferFileFormat(out: string | undefined): FileFormat | undefined {
  if (out === undefined) return undefined;
  if (/\.parquet$/i.test(out)) return 'parquet';
  if (/\.(jsonl|ndjson)$/i.test(out)) return 'jsonl';
  return undefined;
}
