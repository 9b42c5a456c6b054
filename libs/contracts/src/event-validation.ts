import type { Type } from 'avsc';
import type { FieldIssue } from './errors';
import { eventAvroType } from './event-schemas';
import type { EventType } from './events';

export interface ValidateOptions {
  /** Accept fields the schema does not declare (they would be dropped on encoding). Default false. */
  readonly allowUnknownFields?: boolean;
}

/**
 * Every problem that stops `value` from being encoded as `type`, each with a dotted path
 * (`tool_calls[0].arguments`) and a reason (`expected string, got object`). Empty = valid.
 */
export function validateEvent(type: EventType, value: unknown, options: ValidateOptions = {}): FieldIssue[] {
  const avroType = eventAvroType(type);
  if (!isPlainObject(value)) {
    return [{ path: '', reason: `expected a ${type} object, got ${describeValue(value)}` }];
  }
  const issues: FieldIssue[] = [];
  avroType.isValid(value, {
    errorHook: (path: string[], any: unknown, failing: Type) => {
      issues.push({ path: formatPath(avroType, path), reason: `expected ${describeType(failing)}, got ${describeValue(any)}` });
    },
  });
  if (!options.allowUnknownFields) collectUnknownFields(avroType, avroType, value, [], issues);
  if (issues.length === 0) issues.push(...contentIssues(type, value));
  return issues;
}

/**
 * What the Avro schema cannot say about a well-typed event. A reward and its components must be
 * finite: Avro doubles carry NaN and ±Infinity, and one such reward would turn every advantage of
 * its group into NaN. Cheap enough to run on every decoded event (EventSerde.decode does).
 */
export function contentIssues(type: EventType, value: unknown): FieldIssue[] {
  if (type !== 'RewardAssigned' || !isPlainObject(value)) return [];
  const issues: FieldIssue[] = [];
  if (typeof value.reward === 'number' && !Number.isFinite(value.reward)) issues.push({ path: 'reward', reason: `must be a finite number, got ${value.reward}` });
  if (isPlainObject(value.components)) {
    for (const [name, part] of Object.entries(value.components)) {
      if (typeof part === 'number' && !Number.isFinite(part)) issues.push({ path: formatPath(eventAvroType(type), ['components', name]), reason: `must be a finite number, got ${part}` });
    }
  }
  return issues;
}

/** Turns avsc's path segments into `a.b[0].c`, knowing from the schema which segments are indexes. */
function formatPath(root: Type, segments: readonly string[]): string {
  let type: Type | undefined = root;
  let out = '';
  for (const segment of segments) {
    type = type && nonNull(type);
    if (type?.typeName === 'array') {
      out += `[${segment}]`;
      type = (type as unknown as { itemsType: Type }).itemsType;
    } else if (type?.typeName === 'map') {
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
      type = (type as unknown as { valuesType: Type }).valuesType;
    } else {
      out += out === '' ? segment : `.${segment}`;
      type = recordField(type, segment);
    }
  }
  return out;
}

function collectUnknownFields(
  root: Type,
  type: Type,
  value: unknown,
  path: readonly string[],
  issues: FieldIssue[],
): void {
  const t = nonNull(type);
  if (t.typeName === 'record' && isPlainObject(value)) {
    const fields = (t as unknown as { fields: { name: string; type: Type }[] }).fields;
    const declared = new Set(fields.map((f) => f.name));
    for (const key of Object.keys(value)) {
      if (!declared.has(key)) issues.push({ path: formatPath(root, [...path, key]), reason: 'unknown field' });
    }
    for (const field of fields) collectUnknownFields(root, field.type, value[field.name], [...path, field.name], issues);
  } else if (t.typeName === 'array' && Array.isArray(value)) {
    const items = (t as unknown as { itemsType: Type }).itemsType;
    value.forEach((item, i) => collectUnknownFields(root, items, item, [...path, String(i)], issues));
  }
  // Maps hold arbitrary keys by design; scalars have no fields.
}

function recordField(type: Type | undefined, name: string): Type | undefined {
  if (type?.typeName !== 'record') return undefined;
  return (type as unknown as { fields: { name: string; type: Type }[] }).fields.find((f) => f.name === name)?.type;
}

/** The non-null branch of a `["null", T]` union, or the type itself. */
function nonNull(type: Type): Type {
  if (!type.typeName.startsWith('union')) return type;
  const branches = (type as unknown as { types: Type[] }).types.filter((b) => b.typeName !== 'null');
  return branches.length === 1 ? branches[0] : type;
}

function describeType(type: Type): string {
  const name = type.typeName;
  if (name.startsWith('union')) {
    return (type as unknown as { types: Type[] }).types.map(describeType).join(' or ');
  }
  switch (name) {
    case 'enum':
      return `one of ${(type as unknown as { symbols: string[] }).symbols.join('|')}`;
    case 'record':
      return `a ${shortName(type.name)} object`;
    case 'array':
      return `an array of ${describeType((type as unknown as { itemsType: Type }).itemsType)}`;
    case 'map':
      return `an object of ${describeType((type as unknown as { valuesType: Type }).valuesType)} values`;
    case 'int':
      return 'int (32-bit integer)';
    case 'long':
      return 'long (safe integer)';
    case 'float':
    case 'double':
      return `${name} (number)`;
    default:
      return name;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

function shortName(name: string | undefined): string {
  return name ? name.slice(name.lastIndexOf('.') + 1) : 'record';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
