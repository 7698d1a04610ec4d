import type { PhaseRecord } from '../model/phase-record.js';
import type { Draft, RunRecord } from '../model/run-record.js';
import { isTerminalPhase, isTerminalRun } from '../model/states.js';

/**
 * The run and every phase not yet finished become `cancelled`, except the cleanup of each load
 * that had started: it still runs once the rest of its load is done, so that a cancelled run
 * leaves no staging table behind (its files are kept, as after a failure). A finished run is
 * returned unchanged.
 */
export function applyRunCancelled(record: RunRecord, now: Date): RunRecord {
  if (isTerminalRun(record.state)) return record;
  const at = now.toISOString();
  const started = new Set(record.phases.filter((p) => p.phase !== 'cleanup' && STARTED.has(p.state)).map((p) => p.loadId));
  const phases = record.phases.map((p): PhaseRecord => {
    if (isTerminalPhase(p.state)) return p;
    if (p.phase === 'cleanup' && started.has(p.loadId)) return p;
    return { ...p, state: 'cancelled', endedAt: at };
  });
  const next: Draft<RunRecord> = { ...record, state: 'cancelled', endedAt: at, phases };
  delete next.held;
  return next;
}

const STARTED = new Set<PhaseRecord['state']>(['running', 'success', 'failed']);
