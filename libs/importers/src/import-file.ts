import { createHash } from 'node:crypto';
import { ValidationError, validateEvent, type FieldIssue } from '@rollout-ledger/contracts';
import type { ImportOptions } from './import-options';
import { parseTauBenchFile } from './tau-bench.format';
import { convertTauBench, type ImportResult } from './tau-bench.importer';
import { parseTau2Results } from './tau2.format';
import { convertTau2 } from './tau2.importer';

export type ImportFormat = 'tau-bench' | 'tau2';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['tau-bench', 'tau2'];

/**
 * A whole file's text → every event it becomes, fully validated against the Avro contract before
 * anything can be published (a bad run late in the file must not leave half an import behind).
 */
export function importFile(format: ImportFormat, text: string, options: ImportOptions): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`The ${format} file is not valid JSON: ${(error as Error).message}`, [{ path: '(file)', reason: 'not JSON' }]);
  }
  // The default run id comes from the bytes: importing the same file twice lands on the same ids.
  const digest = createHash('sha256').update(text).digest('hex');
  const result = format === 'tau-bench' ? convertTauBench(parseTauBenchFile(json), options, digest) : convertTau2(parseTau2Results(json), options, digest);
  assertValidEvents(result);
  return result;
}

function assertValidEvents(result: ImportResult): void {
  const issues: FieldIssue[] = [];
  result.events.forEach((event, index) => {
    for (const issue of validateEvent(event.type, event.data)) issues.push({ ...issue, index, path: `${event.type}.${issue.path}` });
  });
  if (issues.length > 0) {
    const first = issues.slice(0, 5).map((i) => `  event ${i.index}: ${i.path}: ${i.reason}`).join('\n');
    throw new ValidationError(`The import produced ${issues.length} invalid event fields; nothing was published:\n${first}`, issues);
  }
}
