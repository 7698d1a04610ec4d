/**
 * A check's inputs after validation: the quoted table and key, and the sample size. Built once
 * by the dispatcher so each check kind only renders its statements.
 */
export interface CheckTarget {
  table: string;
  key: string[];
  limit: string;
}
