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
}
