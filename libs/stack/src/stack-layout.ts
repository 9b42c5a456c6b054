import { join } from 'node:path';
import type { StackConfig } from '@rollout-ledger/config';
import { projectRoot } from './project-root';

export const KAFKA_VERSION = '4.1.1';
export const REGISTRY_VERSION = '3.3.3';

/** Where the local stack keeps its artifacts, data, pid files and logs: one ignored folder. */
export interface StackLayout {
  readonly root: string;
  readonly poms: string;
  readonly artifacts: string;
  readonly kafkaLibs: string;
  readonly registryHome: string;
  readonly kafkaData: string;
  readonly kafkaConfig: string;
  readonly logs: string;
  readonly run: string;
}

export function stackLayout(config: StackConfig): StackLayout {
  const project = projectRoot();
  const root = config.ROLLOUT_LEDGER_STACK_DIR || join(project, '.stack');
  const artifacts = join(root, 'artifacts');
  return {
    root,
    poms: join(project, 'stack', 'maven'),
    artifacts,
    kafkaLibs: join(artifacts, `kafka-${KAFKA_VERSION}`),
    registryHome: join(artifacts, `apicurio-registry-${REGISTRY_VERSION}`),
    kafkaData: join(root, 'kafka', 'data'),
    kafkaConfig: join(root, 'kafka', 'config'),
    logs: join(root, 'logs'),
    run: join(root, 'run'),
  };
}
