/** The outcome of one data check, as shown to users and written to the audit row. */
export interface CheckResult {
  name: string;
  passed: boolean;
  /** The measured value: a count of failing rows, a row count, an age in seconds. */
  observed: number | string | null;
  /** Up to a few failing records' keys, when the check can name them. */
  sample: Record<string, unknown>[];
  /** Where it ran: the staging table (blocking, before publish) or the final table. */
  stage: 'staging' | 'final';
}
