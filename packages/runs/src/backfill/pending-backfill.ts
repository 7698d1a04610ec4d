/**
 * A backfill interval waiting for a free run slot. Stored in Redis (JSON in a sorted set scored
 * by interval start) so that any scheduler replica's tick can pick it up, oldest first.
 */
export interface PendingBackfill {
  runId: string;
  /** ISO instants of the data interval. */
  start: string;
  end: string;
  /** `create` a new run with `runId`, or `retry` the failed run `runId`. */
  action: 'create' | 'retry';
}

export function encodePendingBackfill(entry: PendingBackfill): string {
  return JSON.stringify({ runId: entry.runId, start: entry.start, end: entry.end, action: entry.action });
}

/** The entry, or undefined when the stored text is not one (written by an incompatible version). */
export function decodePendingBackfill(text: string): PendingBackfill | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { runId, start, end, action } = value as Record<string, unknown>;
  if (typeof runId !== 'string' || typeof start !== 'string' || typeof end !== 'string') return undefined;
  if (action !== 'create' && action !== 'retry') return undefined;
  if (Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end))) return undefined;
  return { runId, start, end, action };
}
