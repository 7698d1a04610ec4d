/**
 * A merge input after validation, with every identifier already quoted: what a strategy's
 * statements are built from.
 */
export interface MergePlan {
  target: string;
  staging: string;
  columns: string[];
  /** Empty for strategies that do not match by key. */
  key: string[];
  /** Empty unless the input named `orderBy` (merge and delete-insert only). */
  orderBy: string[];
  intervalDelete?: { column: string; start: Date; end: Date };
}
