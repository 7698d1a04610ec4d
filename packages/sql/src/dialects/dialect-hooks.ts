import type { MergeStrategyDefinition } from '../merge/merge-strategy-definition.js';
import type { CopyFromS3Options } from '../types/copy-from-s3-options.js';
import type { DialectName } from '../types/dialect-name.js';
import type { LogicalType } from '../types/logical-type.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';
import type { MergeMatchedContext } from './merge-matched-context.js';

/**
 * The places where engines differ. `defaultHooks` implements them as PostgreSQL runs standard
 * SQL; a dialect spreads the defaults and overrides only the hooks where it differs, and every
 * generator is written once against this interface.
 */
export interface DialectHooks {
  readonly name: DialectName;
  mapType(t: LogicalType): string;
  /** Appended after `LIKE <table>` in `CREATE TABLE … (LIKE …)`. */
  readonly likeOptions: string;
  copyFromStdin(d: DialectHooks, t: TableName, columns: string[]): Statement;
  copyFromS3(d: DialectHooks, t: TableName, columns: string[], o: CopyFromS3Options): Statement;
  /** The WHEN MATCHED clause of MERGE, or null to leave it out. */
  mergeWhenMatched(m: MergeMatchedContext): string | null;
  /** Whether MERGE takes a condition on WHEN MATCHED (`WHEN MATCHED AND …`); Redshift's does not. */
  readonly mergeMatchedCondition: boolean;
  /** Seconds from `latest` (an SQL expression) to `now` (a placeholder bound to a timestamp). */
  freshnessAgeSeconds(latest: string, now: string): string;
  /** Turns a placeholder bound to JSON text into a value of `jsonColumnType`. */
  jsonParam(placeholder: string): string;
  readonly jsonColumnType: string;
  /**
   * Locks a table (already quoted) until the transaction ends, against other writers and other
   * lockers, so two transactions reach what follows one at a time.
   */
  lockTable(quotedTable: string): string;
  /** A column default giving the time of insertion. */
  readonly currentTimestamp: string;
  /** The strategy allowlist, looked up by name. */
  readonly strategies: Readonly<Record<string, MergeStrategyDefinition>>;
}
