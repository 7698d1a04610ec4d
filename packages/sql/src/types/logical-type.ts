/**
 * A column type as the Spark job's manifest describes it, independent of the warehouse.
 * Each dialect's `mapType` turns it into a column type of its own.
 */
export type LogicalType =
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'int16' }
  | { kind: 'int32' }
  | { kind: 'int64' }
  | { kind: 'float32' }
  | { kind: 'float64' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'timestamptz' }
  | { kind: 'binary' };
