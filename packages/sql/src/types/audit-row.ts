import type { MergeStrategy } from './merge-strategy.js';

/** One row of `pipeline_audit.load_history`, written inside the load's merge transaction. */
export interface AuditRow {
  runId: string;
  pipelineId: string;
  loadId: string;
  intervalStart: Date | null;
  intervalEnd: Date | null;
  strategy: MergeStrategy;
  rowsRead: number | null;
  rowsStaged: number;
  rowsInserted: number | null;
  rowsUpdated: number | null;
  rowsDeleted: number | null;
  /** Check results; stored as JSON (jsonb on PostgreSQL, SUPER on Redshift). */
  checks: unknown;
}
