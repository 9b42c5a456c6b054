// The only door into the exports library: streamed, deterministic dataset exports.
export { CONTENT_TYPES, EXPORT_FORMATS, FILE_FORMATS, FILE_FORMATS_OF, inferFileFormat, type ExportFormat, type ExportOptions, type FileFormat } from './export-format';
export { ADVANTAGE_MODES, parseExportRequest, type ExportRequest } from './export-request';
export { runExport, type ExportProgress, type ExportSummary, type RunExportParams } from './export.runner';
export { sftRecord } from './sft.format';
export { trlRecord, toTrlMessages } from './trl.format';
export { verlRow, VERL_COLUMNS, type VerlRow } from './verl.format';
export { rlRows, type RlRow } from './rl.format';
export { RL_COLUMNS } from './rl-parquet.columns';
export { dpoRecord } from './dpo.format';
export { rewardSelector } from './reward-choice';
export { groupsOf, trajectoriesOf } from './history-source';
