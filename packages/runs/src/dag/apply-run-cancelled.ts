import type { PhaseRecord } from '../model/phase-record.js';
import type { RunRecord } from '../model/run-record.js';
import { isTerminalPhase, isTerminalRun } from '../model/states.js';

/** The run and every phase not yet finished become `cancelled`. A finished run is returned unchanged. */
export function applyRunCancelled(record: RunRecord, now: Date): RunRecord {
  if (isTerminalRun(record.state)) return record;
  const at = now.toISOString();
  const phases = record.phases.map((p): PhaseRecord => (isTerminalPhase(p.state) ? p : { ...p, state: 'cancelled', endedAt: at }));
  return { ...record, state: 'cancelled', endedAt: at, phases };
}
