import type { CheckContext } from './check-context.js';
import type { CheckSpec } from './check-spec.js';
import type { CheckSql } from './check-sql.js';
import type { ColumnSpec } from './column-spec.js';
import type { CopyFromS3Options } from './copy-from-s3-options.js';
import type { DialectName } from './dialect-name.js';
import type { LogicalType } from './logical-type.js';
import type { MergeInput } from './merge-input.js';
import type { SourceRef } from './source-ref.js';
import type { Statement } from './statement.js';
import type { TableName } from './table-name.js';

/** Every statement the pipeline sends to a warehouse, generated for one engine. */
export interface SqlDialect {
  readonly name: DialectName;
  readonly maxIdentifierLength: number;
  /** The engine's column type for a logical type. */
  mapType(t: LogicalType): string;
  createSchemaIfNotExists(schema: string): Statement;
  /** One row, column `exists` (boolean). */
  tableExists(t: TableName): Statement;
  /** Rows `column_name`, `data_type`, `is_nullable`, `ordinal_position`, in column order. */
  describeTable(t: TableName): Statement;
  /** `PRIMARY KEY (…)` is added when `primaryKey` is non-empty. */
  createTable(t: TableName, columns: ColumnSpec[], primaryKey: string[]): Statement;
  /** A staging table with the target's columns, without its indexes or constraints. */
  createTableLike(staging: TableName, like: TableName): Statement;
  dropTableIfExists(t: TableName): Statement;
  /** PostgreSQL only: `COPY … FROM STDIN` in CSV (unquoted empty = NULL, `""` = empty string). */
  copyFromStdin(t: TableName, columns: string[]): Statement;
  /** Redshift only: `COPY … FROM 's3://…' IAM_ROLE '…'`. */
  copyFromS3(t: TableName, columns: string[], o: CopyFromS3Options): Statement;
  /** Column `count`. */
  rowCount(t: TableName): Statement;
  /** Number of key values appearing more than once, column `count`. */
  duplicateKeyCount(t: TableName, key: string[]): Statement;
  /**
   * Rebuilds staging keeping, per key, the latest row by `orderBy` (DESC, NULLS LAST; ties broken
   * by every column). Run the statements in one transaction.
   */
  dedupe(staging: TableName, key: string[], orderBy: string[], columns: string[]): Statement[];
  /** Source rows, filtered to `[start, end)` on the interval column when given; column `count`. */
  sourceRowCount(source: SourceRef, interval?: { column: string; start: Date; end: Date }): Statement;
  /** Staged keys already present in target, column `count`; with `orderBy`, also `stale`: those the target holds in a newer version. */
  matchedKeyCount(staging: TableName, target: TableName, key: string[], orderBy?: string[]): Statement;
  /**
   * `[BEGIN, …strategy…, audit guard + audit insert (if given), COMMIT]`. With an audit row the
   * transaction fails, changing nothing, when that run and load's audit row already exists: look
   * it up with `auditRowLookup` to tell that apart from other failures.
   */
  mergeTransaction(input: MergeInput): Statement[];
  /** The audit row of one run and load (`rows_staged`, `rows_inserted`, `rows_updated`, `rows_deleted`, `loaded_at`), or no row. */
  auditRowLookup(runId: string, loadId: string): Statement;
  /** Creates `pipeline_audit.load_history` when missing. */
  auditTableDdl(): Statement[];
  checkSql(check: CheckSpec, table: TableName, ctx: CheckContext): CheckSql;
}
