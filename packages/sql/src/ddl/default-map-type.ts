import { SqlInputError } from '../errors/sql-input-error.js';
import type { LogicalType } from '../types/logical-type.js';

// Redshift's limit, applied everywhere so a table that works locally also works in production.
const MAX_DECIMAL_PRECISION = 38;

/** Column types as PostgreSQL names them; dialects override the kinds they name differently. */
export function defaultMapType(t: LogicalType): string {
  switch (t?.kind) {
    case 'string':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'int16':
      return 'smallint';
    case 'int32':
      return 'integer';
    case 'int64':
      return 'bigint';
    case 'float32':
      return 'real';
    case 'float64':
      return 'double precision';
    case 'decimal':
      return decimalType(t.precision, t.scale);
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'timestamptz':
      return 'timestamptz';
    case 'binary':
      return 'bytea';
    default:
      throw new SqlInputError(
        'column type',
        `unknown logical type ${JSON.stringify(t)}; use one of string, boolean, int16, int32, int64, ` +
          'float32, float64, decimal, date, timestamp, timestamptz, binary.',
      );
  }
}

function decimalType(precision: number, scale: number): string {
  const validPrecision = Number.isInteger(precision) && precision >= 1 && precision <= MAX_DECIMAL_PRECISION;
  if (!validPrecision || !Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new SqlInputError(
      'decimal type',
      `precision ${precision} and scale ${scale} are invalid: precision must be an integer from 1 to ` +
        `${MAX_DECIMAL_PRECISION} and scale an integer from 0 to the precision.`,
    );
  }
  return `numeric(${precision},${scale})`;
}
