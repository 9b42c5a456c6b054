/**
 * Parquet schema elements (the flattened pre-order tree hyparquet-writer takes). Lists use the
 * standard three-level LIST layout so DuckDB, Arrow/pandas and Spark read them as lists.
 */
export interface SchemaNode {
  readonly name: string;
  readonly type?: 'BOOLEAN' | 'INT32' | 'INT64' | 'DOUBLE' | 'BYTE_ARRAY';
  readonly converted_type?: 'UTF8' | 'LIST';
  readonly repetition_type?: 'REQUIRED' | 'OPTIONAL' | 'REPEATED';
  readonly num_children?: number;
}

export const string = (name: string, required = false): SchemaNode[] => [
  { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: required ? 'REQUIRED' : 'OPTIONAL' },
];
export const int64 = (name: string): SchemaNode[] => [{ name, type: 'INT64', repetition_type: 'OPTIONAL' }];
export const int32 = (name: string): SchemaNode[] => [{ name, type: 'INT32', repetition_type: 'OPTIONAL' }];
export const double = (name: string): SchemaNode[] => [{ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' }];
export const boolean = (name: string): SchemaNode[] => [{ name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' }];

export function struct(name: string, fields: readonly SchemaNode[][]): SchemaNode[] {
  return [{ name, repetition_type: 'OPTIONAL', num_children: fields.length }, ...fields.flat()];
}

/** A list of `element` (a one-node scalar or a struct subtree named "element"). */
export function list(name: string, element: SchemaNode[]): SchemaNode[] {
  return [
    { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    ...element,
  ];
}

export interface ParquetColumn<Row> {
  readonly name: string;
  readonly schema: SchemaNode[];
  readonly value: (row: Row) => unknown;
}

export function rootSchema(columns: readonly ParquetColumn<never>[]): SchemaNode[] {
  return [{ name: 'root', num_children: columns.length }, ...columns.flatMap((column) => column.schema)];
}

/** INT64 columns take bigint. */
export function bigintOrNull(value: number | null): bigint | null {
  return value === null ? null : BigInt(value);
}
