import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Type } from 'avsc';
import { LedgerError } from './errors';
import { ErrorCodes } from './error-codes';
import { EVENT_NAMESPACE, EVENT_TYPES } from './event-types';
import type { EventType } from './events';

/** A parsed `.avsc` document (the JSON as written in `schemas/`). */
export type AvroSchemaJson = Readonly<Record<string, unknown>> & {
  readonly type: 'record';
  readonly name: string;
  readonly namespace: string;
  readonly fields: readonly Readonly<Record<string, unknown>>[];
};

/**
 * The project's `schemas/` folder: the first folder above `startDir` that holds both a
 * package.json and a schemas/ folder. Walking up (rather than a fixed `../../..`) keeps it working
 * from libs/contracts/src under ts-jest and from dist/libs/contracts/src once compiled.
 */
export function findSchemasDir(startDir: string = __dirname): string {
  let dir = startDir;
  for (;;) {
    const candidate = join(dir, 'schemas');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate) && statSync(candidate).isDirectory()) {
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new LedgerError(ErrorCodes.configInvalid, `No schemas/ folder next to a package.json above ${startDir}`);
    }
    dir = parent;
  }
}

let cachedSchemas: Readonly<Record<EventType, AvroSchemaJson>> | undefined;

/** Reads every `schemas/<Name>.avsc` once; the result is shared and must not be mutated. */
export function loadSchemas(schemasDir?: string): Readonly<Record<EventType, AvroSchemaJson>> {
  if (schemasDir === undefined && cachedSchemas) return cachedSchemas;
  const dir = schemasDir ?? findSchemasDir();
  const schemas = {} as Record<EventType, AvroSchemaJson>;
  for (const type of EVENT_TYPES) {
    const file = join(dir, `${type}.avsc`);
    const schema = JSON.parse(readFileSync(file, 'utf8')) as AvroSchemaJson;
    if (schema.name !== type || schema.namespace !== EVENT_NAMESPACE) {
      throw new LedgerError(
        ErrorCodes.configInvalid,
        `${file} declares ${schema.namespace}.${schema.name}, expected ${EVENT_NAMESPACE}.${type}`,
      );
    }
    schemas[type] = deepFreeze(schema);
  }
  if (schemasDir === undefined) cachedSchemas = schemas;
  return schemas;
}

let cachedTypes: Readonly<Record<EventType, Type>> | undefined;

/**
 * One avsc Type per event, built from the schema files. No logical-type implementation is passed
 * on purpose: `timestamp-millis` then stays a plain number (epoch ms), as the TS types say.
 */
export function eventAvroTypes(): Readonly<Record<EventType, Type>> {
  if (cachedTypes) return cachedTypes;
  const schemas = loadSchemas();
  const types = {} as Record<EventType, Type>;
  for (const type of EVENT_TYPES) types[type] = Type.forSchema(schemas[type] as never);
  cachedTypes = types;
  return types;
}

export function eventAvroType(type: EventType): Type {
  return eventAvroTypes()[type];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
