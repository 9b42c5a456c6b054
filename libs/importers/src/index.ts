// Real benchmark outputs in: tau-bench v1 and tau2 results → Rollout Ledger events (pure
// conversion; the CLI reads the file and publishes). Also the deterministic ids and tau2 task
// definitions the simulator shares.
export { deterministicUuid, contentDigest, canonicalJson } from './deterministic-id';
export { inferDomain } from './domain-inference';
export { connectLedgerProducer, publishTopics, type LedgerTopics } from './ledger-publisher';
export { publishEvents, type EventSink, type PublishOptions, type PublishStats } from './event-publisher';
export { importFile, IMPORT_FORMATS, type ImportFormat } from './import-file';
export type { ImportOptions, ImportSummary } from './import-options';
export { rolloutEvents, type ImportedRollout } from './imported-rollout';
export { IssueLog } from './json-checks';
export type { ImportedMessage, ImportedToolCall } from './openai-message.format';
export { parseTauBenchFile, type TauBenchRun, type TauBenchTask } from './tau-bench.format';
export { convertTauBench, tauBenchTaskId, terminationOf, type ImportResult } from './tau-bench.importer';
export { parseTau2Results, type Tau2Results, type Tau2Simulation } from './tau2.format';
export { convertTau2, mapTau2Termination, rewardComponents } from './tau2.importer';
export {
  parseTau2Task,
  renderTau2Instructions,
  tau2ExpectedStateHash,
  tau2TaskDefined,
  tau2TaskId,
  type Tau2Action,
  type Tau2Instructions,
  type Tau2Task,
} from './tau2-task';
