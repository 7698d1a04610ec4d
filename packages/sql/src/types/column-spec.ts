import type { LogicalType } from './logical-type.js';

/** One column of a table to create. */
export interface ColumnSpec {
  name: string;
  type: LogicalType;
  nullable: boolean;
}
