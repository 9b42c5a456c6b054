import type { DynamicModule } from '@nestjs/common';

/**
 * The apps `rollout-ledger serve` can run. Each is a feature module from a library; the
 * standalone app under apps/<name> imports the same module, so one process or many run the same code.
 */
export interface AppDefinition {
  readonly name: string;
  readonly description: string;
  readonly module: (env: NodeJS.ProcessEnv) => DynamicModule;
}

export const APP_CATALOG: readonly AppDefinition[] = [];

export function resolveApps(selection: string | undefined): readonly AppDefinition[] {
  if (!selection || selection === 'all') return APP_CATALOG;
  const names = selection.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !APP_CATALOG.some((app) => app.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown app(s): ${unknown.join(', ')} (known: ${APP_CATALOG.map((app) => app.name).join(', ') || 'none'})`);
  }
  return APP_CATALOG.filter((app) => names.includes(app.name));
}
