import type { DescribeStatementCommandOutput, SubStatementData } from '@aws-sdk/client-redshift-data';

/**
 * Redshift reports a serialization conflict between concurrent transactions as error 1023
 * ("Serializable isolation violation on table …"): retrying the whole transaction can succeed.
 */
export function isSerializationConflict(errorText: string): boolean {
  return /\b1023\b/.test(errorText) || /serializable isolation violation/i.test(errorText);
}

/** The failed statement of a finished-with-failure description: for a batch, its failed sub-statement and position. */
export function failedPart(described: DescribeStatementCommandOutput): { error: string; sub: SubStatementData | undefined; index: number | undefined } {
  const subs = described.SubStatements ?? [];
  const index = subs.findIndex((s) => s.Status === 'FAILED');
  const sub = index === -1 ? undefined : subs[index];
  return { error: sub?.Error ?? described.Error ?? 'the Data API gave no error text', sub, index: index === -1 ? undefined : index };
}

export const RUNNING_STATES: ReadonlySet<string> = new Set(['SUBMITTED', 'PICKED', 'STARTED']);
