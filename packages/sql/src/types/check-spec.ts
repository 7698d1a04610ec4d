import type { TableName } from './table-name.js';

/** A data check, run on a staging table (blocking) or on the final table (validation). */
export type CheckSpec =
  | { kind: 'not_null'; columns: string[] }
  | { kind: 'unique'; columns: string[] }
  | { kind: 'row_count'; min?: number; max?: number }
  /** NULL is not a failure here: `not_null` covers it. */
  | { kind: 'accepted_values'; column: string; values: (string | number | boolean)[] }
  | { kind: 'freshness'; column: string; maxAgeSeconds: number }
  /** Every row of `against` (staging) has its key in the checked table; observed = missing keys. */
  | { kind: 'reconciliation'; against: TableName; key: string[] }
  /**
   * `sql` returns failing rows; `{{ table }}` is replaced by the quoted table and
   * `{{ params.<name> }}` by a bound parameter (`$n`) holding the run parameter's value.
   */
  | { kind: 'custom_sql'; name: string; sql: string };
