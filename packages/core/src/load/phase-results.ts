import type { ColumnSpec, TableName } from '@pipeline/sql';
import type { CheckResult } from '../checks/check-result.js';
import type { SparkManifest } from '../compute/spark-job.js';

/** Results are plain JSON so that they can be stored on the run and read by the next phase anywhere. */
export interface ExtractResult {
  externalId: string;
  outputDir: string;
  manifest: SparkManifest;
  /** Where the remote job's logs are (the EMR step's or job run's S3 log folder). */
  logUri?: string;
}

export interface StageResult {
  staging: TableName;
  targetExisted: boolean;
  /** Columns loaded, in file order. */
  columns: ColumnSpec[];
  rowsCopied: number;
}

export interface AuditResult {
  checks: CheckResult[];
  /** Rows dropped because a later row had the same key (latest by orderBy kept). */
  duplicatesRemoved: number;
  /** Rows in staging after that: what the merge publishes. */
  rowsStaged: number;
  /** Staged keys that were already in the target when audited. */
  rowsMatched: number;
  /**
   * Of those, the keys the target held in a newer version (by `orderBy`): the merge leaves those
   * rows as they are. 0 without `orderBy`.
   */
  rowsStale: number;
}

export interface MergeResult {
  rowsInserted: number;
  rowsUpdated: number;
  /**
   * Staged rows left out because the target held a newer version of their key (by `orderBy`), as
   * counted when audited. Absent when an earlier attempt had merged (the audit row has no such count).
   */
  rowsSkipped?: number;
  rowsDeleted: number | null;
  createdTarget: boolean;
  /**
   * Set when an earlier attempt of this phase had already committed the merge (its worker died
   * before recording it): nothing was merged again, and the counts are the audit row's.
   */
  alreadyMerged?: { loadedAt: string };
}

export interface ValidateResult {
  checks: CheckResult[];
}
