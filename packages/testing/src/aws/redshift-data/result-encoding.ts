/** The parts of a PostgreSQL result field description the encoding needs. */
export interface PgField {
  name: string;
  dataTypeID: number;
  dataTypeModifier: number;
}

/** A column as GetStatementResult describes it. */
export interface ColumnMetadata {
  name: string;
  label: string;
  typeName: string;
  nullable: number;
  isSigned: boolean;
  isCaseSensitive: boolean;
  isCurrency: boolean;
  precision: number;
  scale: number;
  length: number;
  schemaName: string;
  tableName: string;
}

type FieldKind = 'boolean' | 'long' | 'double' | 'string' | 'hex';

/**
 * PostgreSQL type OIDs, with the name Redshift reports for the corresponding type and the Field
 * member the Data API sends its values in: integers as longValue, floating point as doubleValue,
 * booleans as booleanValue, everything else (numeric included, to keep its digits) as
 * stringValue in the engine's text form; binary as hex text.
 */
interface TypeInfo {
  typeName: string;
  kind: FieldKind;
  signed?: boolean;
  text?: boolean;
}

const TYPES: ReadonlyMap<number, TypeInfo> = new Map<number, TypeInfo>([
  [16, { typeName: 'bool', kind: 'boolean' }],
  [17, { typeName: 'varbyte', kind: 'hex' }],
  [18, { typeName: 'char', kind: 'string', text: true }],
  [19, { typeName: 'name', kind: 'string', text: true }],
  [20, { typeName: 'int8', kind: 'long', signed: true }],
  [21, { typeName: 'int2', kind: 'long', signed: true }],
  [23, { typeName: 'int4', kind: 'long', signed: true }],
  [25, { typeName: 'varchar', kind: 'string', text: true }],
  [26, { typeName: 'oid', kind: 'long' }],
  [114, { typeName: 'super', kind: 'string' }],
  [700, { typeName: 'float4', kind: 'double', signed: true }],
  [701, { typeName: 'float8', kind: 'double', signed: true }],
  [705, { typeName: 'varchar', kind: 'string', text: true }],
  [1042, { typeName: 'bpchar', kind: 'string', text: true }],
  [1043, { typeName: 'varchar', kind: 'string', text: true }],
  [1082, { typeName: 'date', kind: 'string' }],
  [1083, { typeName: 'time', kind: 'string' }],
  [1114, { typeName: 'timestamp', kind: 'string' }],
  [1184, { typeName: 'timestamptz', kind: 'string' }],
  [1266, { typeName: 'timetz', kind: 'string' }],
  [1700, { typeName: 'numeric', kind: 'string', signed: true }],
  [3802, { typeName: 'super', kind: 'string' }],
]);

const OTHER: TypeInfo = { typeName: 'varchar', kind: 'string', text: true };

export function columnMetadata(field: PgField): ColumnMetadata {
  const type = TYPES.get(field.dataTypeID) ?? OTHER;
  const modifier = field.dataTypeModifier;
  const numeric = field.dataTypeID === 1700 && modifier >= 4;
  const sized = (field.dataTypeID === 1043 || field.dataTypeID === 1042) && modifier >= 4;
  return {
    name: field.name,
    label: field.name,
    typeName: type.typeName,
    nullable: 1,
    isSigned: type.signed ?? false,
    isCaseSensitive: type.text ?? false,
    isCurrency: false,
    precision: numeric ? (modifier - 4) >> 16 : sized ? modifier - 4 : 0,
    scale: numeric ? (modifier - 4) & 0xffff : 0,
    length: sized ? modifier - 4 : 0,
    schemaName: '',
    tableName: '',
  };
}

/**
 * One value as the JSON text of a Field union member. Written by hand rather than through
 * JSON.stringify so that 64-bit integers keep every digit on the wire, as they do from the
 * real service.
 */
export function encodeField(field: PgField, text: string | null): string {
  if (text === null) return '{"isNull":true}';
  switch ((TYPES.get(field.dataTypeID) ?? OTHER).kind) {
    case 'boolean':
      return `{"booleanValue":${text === 't' || text === 'true'}}`;
    case 'long':
      return `{"longValue":${/^-?\d+$/.test(text) ? text : JSON.stringify(text)}}`;
    case 'double':
      return `{"doubleValue":${/^-?\d/.test(text) ? text : JSON.stringify(text)}}`;
    case 'hex':
      return `{"stringValue":${JSON.stringify(text.startsWith('\\x') ? text.slice(2) : text)}}`;
    default:
      return `{"stringValue":${JSON.stringify(text)}}`;
  }
}
