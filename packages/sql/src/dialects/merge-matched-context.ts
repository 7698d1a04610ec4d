/** What the WHEN MATCHED hook of MERGE needs; every identifier is already quoted. */
export interface MergeMatchedContext {
  /** The staging table's alias, e.g. `"src"`. */
  source: string;
  key: string[];
  /** Non-key columns; empty when every column is a key column. */
  updateColumns: string[];
  /**
   * A condition under which a matched row is left as it is (the target holds a newer version).
   * Given only to dialects whose `mergeMatchedCondition` is true.
   */
  unless?: string;
}
