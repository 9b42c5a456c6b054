export * from './bench-scenario';
export { benchResultFileName, formatBenchTable } from './bench-report';
export { round, runBenchmarks, selectScenarios, type BenchRun, type RunBenchmarksOptions, type ScenarioResult } from './bench-runner';
export { processPeakRssBytes, RssSampler } from './rss-sampler';
export { BENCH_SCENARIOS } from './scenarios';
