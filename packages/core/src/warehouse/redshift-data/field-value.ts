import type { ColumnMetadata, Field } from '@aws-sdk/client-redshift-data';

/** The text parser node-postgres uses for a type id: `pg.types.getTypeParser(id, 'text')`. */
export type TextParserFor = (typeId: number) => (text: string) => unknown;

/**
 * PostgreSQL type ids of the Redshift type names the Data API reports, so that each value is
 * parsed by node-postgres' own parser for its type: a row reads the same through this adapter
 * as through PostgresWarehouse. That gives int2/int4 and floats as numbers, int8 and numeric as
 * strings (every digit kept), booleans, timestamptz and date as Date, timestamp (no zone) as a
 * Date in local time, SUPER as parsed JSON.
 */
const TYPE_IDS: Readonly<Record<string, number>> = {
  bool: 16,
  boolean: 16,
  int2: 21,
  smallint: 21,
  int4: 23,
  integer: 23,
  int: 23,
  int8: 20,
  bigint: 20,
  oid: 26,
  float4: 700,
  real: 700,
  float8: 701,
  float: 701,
  'double precision': 701,
  numeric: 1700,
  decimal: 1700,
  date: 1082,
  time: 1083,
  timetz: 1266,
  timestamp: 1114,
  timestamptz: 1184,
  super: 3802,
  json: 114,
  jsonb: 3802,
};

const BINARY = new Set(['varbyte', 'varbinary', 'binary varying', 'bytea']);

/** One Field of GetStatementResult as the value node-postgres would give for the same column. */
export function fieldValue(field: Field, column: ColumnMetadata | undefined, parserFor: TextParserFor): unknown {
  if (field.isNull) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue);
  // A longValue beyond 2^53 arrives as digits (see exact-long-values.ts).
  const text = field.longValue !== undefined ? String(field.longValue) : field.stringValue;
  if (text === undefined) throw new TypeError(`GetStatementResult returned a value of an unknown kind: ${JSON.stringify(Object.keys(field))}`);
  const typeName = column?.typeName?.toLowerCase() ?? '';
  if (BINARY.has(typeName)) return Buffer.from(text, 'hex');
  const typeId = TYPE_IDS[typeName];
  return typeId === undefined ? text : parserFor(typeId)(text);
}

/** A record as an object keyed by column name; a repeated name keeps its last value, as node-postgres does. */
export function recordToRow<R>(record: Field[], columns: ColumnMetadata[], parserFor: TextParserFor): R {
  const row: Record<string, unknown> = {};
  record.forEach((field, i) => {
    const column = columns[i];
    row[column?.label ?? column?.name ?? `?column?${i}`] = fieldValue(field, column, parserFor);
  });
  return row as R;
}
