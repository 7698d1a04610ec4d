import type { Statement } from './statement.js';

/** The statements that run one check and the pure rule that judges its result. */
export interface CheckSql {
  /** Stable and human readable, e.g. `not_null(user_id, email)`; a custom check's own name. */
  name: string;
  /** Returns exactly one row with one column `observed`. */
  observed: Statement;
  /** Returns up to `sampleSize` failing records (their key columns); absent where meaningless. */
  sample?: Statement;
  /** Judges the observed value; accepts numbers, bigints and the strings pg returns for bigint. */
  passes(observed: unknown): boolean;
}
