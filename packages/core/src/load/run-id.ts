import { randomBytes } from 'node:crypto';

function compactInstant(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A fresh id for a manually started run. Ids hold only `[a-z0-9._-]` so that they serve as
 * directory names, staging-table hash input and queue job ids (which forbid `:`).
 */
export function manualRunId(pipelineId: string, now: Date = new Date()): string {
  return `${pipelineId}.manual.${compactInstant(now).toLowerCase()}.${randomBytes(3).toString('hex')}`;
}

/** The id of a scheduled run: derived from pipeline and interval, so every replica computes the same one. */
export function scheduledRunId(pipelineId: string, intervalStart: Date): string {
  return `${pipelineId}.scheduled.${compactInstant(intervalStart).toLowerCase()}`;
}
