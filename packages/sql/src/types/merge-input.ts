import type { AuditRow } from './audit-row.js';
import type { MergeStrategy } from './merge-strategy.js';
import type { TableName } from './table-name.js';

/** One argument shape for every strategy, so strategies stay interchangeable by name. */
export interface MergeInput {
  strategy: MergeStrategy;
  target: TableName;
  staging: TableName;
  /** Columns present in staging; all of them are inserted, and the non-key ones updated. */
  columns: string[];
  /** Required (non-empty) for `merge` and `delete-insert`; keys are never NULL. */
  key: string[];
  /**
   * For merge and delete-insert: the columns that order the versions of a row. A staged row whose
   * key the target holds in a newer version (greater by these columns in turn, NULL lowest) is
   * left out, so that a merge never moves a row back to an older version. Equal versions merge.
   */
  orderBy?: string[];
  /** For append: make reruns idempotent by first deleting the interval's rows from target. */
  intervalDelete?: { column: string; start: Date; end: Date };
  /** The audit row is inserted inside the same transaction. */
  audit?: AuditRow;
}
