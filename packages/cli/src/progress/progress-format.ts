import type { LoadPhase } from '@pipeline/core';
import type { PhaseChange, RunOutcome } from './phase-change.js';

/** `2026-11-24T11:20:03Z`: whole seconds, UTC, the same width on every line. */
export function formatTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A finished phase's time: `0.8s`, `12.1s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.floor(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** A running phase's elapsed time: whole seconds, so the live block does not flicker. */
export function formatElapsed(ms: number): string {
  return ms < 60_000 ? `${Math.floor(Math.max(0, ms) / 1000)}s` : formatDuration(ms);
}

/**
 * The one row count a progress line shows for a phase: what it produced for the next one.
 * Extract: rows written by the job; stage: rows copied; audit: rows left to publish; merge: rows
 * inserted plus updated. Other phases move no rows.
 */
export function primaryRows(phase: LoadPhase, rows: Record<string, number>): number | undefined {
  switch (phase) {
    case 'extract-transform':
      return rows.rowsWritten ?? rows.rowsRead;
    case 'stage':
      return rows.rowsCopied;
    case 'audit':
      return rows.rowsStaged;
    case 'merge':
      return rows.rowsInserted === undefined && rows.rowsUpdated === undefined ? undefined : (rows.rowsInserted ?? 0) + (rows.rowsUpdated ?? 0);
    default:
      return undefined;
  }
}

/**
 * The plain progress line of a change:
 * `<time> <load>/<phase> <state>[ <duration>][ rows=N][ attempt=N][ error=CODE][ restarted]`.
 * Fields only ever get appended, so scripts that grep or split these lines keep working.
 */
export function formatPlainLine(change: PhaseChange): string {
  const parts = [formatTimestamp(change.at), `${change.loadId}/${change.phase}`, change.state];
  if (change.durationMs !== undefined) parts.push(formatDuration(change.durationMs));
  if (change.rows !== undefined) parts.push(`rows=${change.rows}`);
  if (change.attempt !== undefined && change.attempt > 1) parts.push(`attempt=${change.attempt}`);
  if (change.errorCode) parts.push(`error=${change.errorCode}`);
  if (change.restarted) parts.push('restarted');
  return parts.join(' ');
}

/** The plain line that closes a run's progress: `<time> run <state> <duration>`. */
export function formatPlainOutcome(outcome: RunOutcome, at: Date): string {
  return `${formatTimestamp(at)} run ${outcome.state} ${formatDuration(outcome.durationMs)}`;
}
