/** What a check needs besides its spec and table. */
export interface CheckContext {
  /** Key columns of the checked table, selected in samples; may be empty. */
  key: string[];
  /** The moment freshness is measured against, bound as a parameter. */
  now: Date;
  /**
   * How many failing records a sample returns.
   * @defaultValue 5
   */
  sampleSize?: number;
  /**
   * The run's parameters (pipeline < load < run), which custom SQL checks reference as
   * `{{ params.<name> }}`; each value is bound as a parameter, never written into the SQL.
   * @defaultValue {}
   */
  params?: Record<string, string | number | boolean>;
}
