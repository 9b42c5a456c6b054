import { Type } from 'avsc';
import { ErrorCodes, LedgerError } from '@rollout-ledger/contracts';
import type { CompatibilityLevel, SchemaRegistry } from './schema-registry.client';

/**
 * A registry in memory for unit tests of anything that encodes or decodes events. It enforces
 * BACKWARD the way a real registry does (the new schema must read data of the latest version) and
 * answers 409-style SCHEMA_INCOMPATIBLE otherwise; other levels are stored but not enforced.
 */
export class InMemorySchemaRegistry implements SchemaRegistry {
  private readonly schemas: string[] = [];
  private readonly subjects = new Map<string, number[]>();
  private readonly levels = new Map<string, CompatibilityLevel>();
  /** Counts of calls, for tests that check caching. */
  readonly calls = { setCompatibility: 0, register: 0, getSchema: 0 };

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    this.calls.setCompatibility++;
    this.levels.set(subject, level);
  }

  async register(subject: string, schema: string): Promise<number> {
    this.calls.register++;
    const canonical = JSON.stringify(JSON.parse(schema));
    const versions = this.subjects.get(subject) ?? [];
    const existing = versions.find((id) => this.schemas[id - 1] === canonical);
    if (existing !== undefined) return existing;
    const latest = versions.at(-1);
    if (latest !== undefined && (this.levels.get(subject) ?? 'BACKWARD') === 'BACKWARD') {
      try {
        Type.forSchema(JSON.parse(canonical)).createResolver(Type.forSchema(JSON.parse(this.schemas[latest - 1])));
      } catch (error) {
        throw new LedgerError(
          ErrorCodes.schemaIncompatible,
          `Schema registry refused the new schema for subject "${subject}" as incompatible: ${(error as Error).message}`,
          false,
          { subject },
        );
      }
    }
    let id = this.schemas.indexOf(canonical) + 1;
    if (id === 0) id = this.schemas.push(canonical);
    versions.push(id);
    this.subjects.set(subject, versions);
    return id;
  }

  async getSchema(id: number): Promise<string> {
    this.calls.getSchema++;
    const schema = this.schemas[id - 1];
    if (schema === undefined) throw new LedgerError(ErrorCodes.schemaNotFound, `Schema ${id} not found.`);
    return schema;
  }

  subjectNames(): string[] {
    return [...this.subjects.keys()];
  }

  compatibility(subject: string): CompatibilityLevel | undefined {
    return this.levels.get(subject);
  }
}
