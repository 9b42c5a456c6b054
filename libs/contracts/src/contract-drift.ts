import type { AnySpec } from './event-field-specs';

type Json = unknown;
interface AvroField {
  readonly name: string;
  readonly type: Json;
  readonly default?: Json;
  readonly doc?: string;
}

/**
 * Differences between a field-spec table (derived from the TS interfaces) and an Avro record
 * schema as written in a `.avsc` file: missing/extra fields, nullability, base types, enum symbols,
 * nested records, and the defaults the contract promises (null for nullable, [] for arrays, {} for maps).
 * Empty = in sync.
 */
export function contractDrift(fields: Readonly<Record<string, AnySpec>>, schema: Json, path = ''): string[] {
  const record = schema as { type?: string; fields?: AvroField[] };
  if (record.type !== 'record' || !Array.isArray(record.fields)) return [`${path || '<root>'}: not a record schema`];
  const problems: string[] = [];
  const avroNames = record.fields.map((f) => f.name);
  for (const name of Object.keys(fields)) {
    if (!avroNames.includes(name)) problems.push(`${join(path, name)}: in TypeScript, missing from the Avro schema`);
  }
  for (const field of record.fields) {
    const at = join(path, field.name);
    const spec = fields[field.name];
    if (!spec) {
      problems.push(`${at}: in the Avro schema, missing from TypeScript`);
      continue;
    }
    const { nullable, base } = unwrapNullable(field.type);
    if (nullable !== (spec.nullable === true)) {
      problems.push(`${at}: nullable in ${nullable ? 'Avro' : 'TypeScript'} only`);
    }
    if (nullable && field.default !== null) problems.push(`${at}: nullable field without default null`);
    problems.push(...typeDrift(spec, base, at));
    const baseType = typeName(base);
    if (!nullable && baseType === 'array' && !isEmptyArray(field.default)) problems.push(`${at}: array without default []`);
    if (!nullable && baseType === 'map' && !isEmptyObject(field.default)) problems.push(`${at}: map without default {}`);
  }
  return problems;
}

function typeDrift(spec: AnySpec, avro: Json, at: string): string[] {
  const actual = typeName(avro);
  if (actual !== spec.type) return [`${at}: ${spec.type} in TypeScript spec, ${actual} in Avro`];
  const node = avro as Record<string, Json>;
  switch (spec.type) {
    case 'enum': {
      const symbols = node.symbols as string[];
      const expected = [...(spec.symbols ?? [])];
      return sameList(symbols, expected) ? [] : [`${at}: enum symbols ${expected.join('|')} vs ${symbols.join('|')}`];
    }
    case 'array':
      return spec.items ? typeDrift(spec.items, node.items, `${at}[]`) : [];
    case 'map':
      return spec.values ? typeDrift(spec.values, node.values, `${at}{}`) : [];
    case 'record': {
      const problems = contractDrift(spec.fields ?? {}, avro, at);
      if (spec.name && node.name !== spec.name) problems.push(`${at}: record named ${String(node.name)}, spec says ${spec.name}`);
      return problems;
    }
    case 'long': {
      const logical = typeof avro === 'object' ? (node.logicalType as string | undefined) : undefined;
      return logical === spec.logicalType ? [] : [`${at}: logicalType ${String(spec.logicalType)} vs ${String(logical)}`];
    }
    default:
      return [];
  }
}

function unwrapNullable(type: Json): { nullable: boolean; base: Json } {
  if (!Array.isArray(type)) return { nullable: false, base: type };
  const rest = type.filter((t) => t !== 'null');
  // Only ["null", T] (null first, so that the default null is legal) counts as nullable.
  if (type.length === 2 && type[0] === 'null' && rest.length === 1) return { nullable: true, base: rest[0] };
  return { nullable: false, base: type };
}

function typeName(type: Json): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return 'union';
  if (type && typeof type === 'object') return String((type as Record<string, Json>).type);
  return String(type);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
function isEmptyArray(v: Json): boolean {
  return Array.isArray(v) && v.length === 0;
}
function isEmptyObject(v: Json): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}
function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
