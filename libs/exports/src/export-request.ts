import { ADVANTAGE_MODES, parseAdvantageMode } from '@rollout-ledger/grpo';
import { ParamReader, readRolloutFilter, type RawParams, type RolloutFilter } from '@rollout-ledger/query';
import { EXPORT_FORMATS, FILE_FORMATS, FILE_FORMATS_OF, inferFileFormat, type ExportFormat, type ExportOptions, type FileFormat } from './export-format';

export interface ExportRequest {
  readonly filter: RolloutFilter;
  readonly options: ExportOptions;
}

/**
 * The export parameters, shared by `GET /v1/exports/:format` and `rollout-ledger export`: the
 * query API's filters plus `advantage` (rl), `format_file` (rl: jsonl or parquet) and `weights` (sft).
 * `out` is the CLI's output path; its extension picks the file format when format_file is absent.
 */
export function parseExportRequest(format: string, raw: RawParams, out?: string): ExportRequest {
  const reader = new ParamReader({ ...raw, format });
  const chosen = reader.oneOf('format', EXPORT_FORMATS);
  const filter = readRolloutFilter(reader);
  const advantage = reader.parsed('advantage', parseAdvantageMode) ?? 'grpo';
  const requested = reader.oneOf('format_file', FILE_FORMATS);
  const weights = reader.bool('weights') ?? false;
  reader.rejectUnknown();
  let fileFormat: FileFormat | undefined;
  if (chosen !== undefined) {
    const allowed = FILE_FORMATS_OF[chosen];
    const wanted = requested ?? inferFileFormat(out);
    if (wanted !== undefined && !allowed.includes(wanted)) {
      reader.fail(requested !== undefined ? 'format_file' : 'out', `${chosen} exports are written as ${allowed.join(' or ')}, not ${wanted}`);
    }
    fileFormat = wanted !== undefined && allowed.includes(wanted) ? wanted : allowed[0];
  }
  reader.throwIfInvalid(`${format} export request`);
  return { filter, options: { format: chosen as ExportFormat, fileFormat: fileFormat as FileFormat, advantage, weights } };
}

export { ADVANTAGE_MODES };
