import { isTerminalPhase } from '../model/states.js';
import type { PhaseRecord } from '../model/phase-record.js';
import type { RunRecord } from '../model/run-record.js';
import { phaseDependencies } from './dependencies.js';
import { phaseKey } from './phase-key.js';

/** Pending phases whose trigger rule holds: what should be enqueued now. Of a cancelled run, only cleanups; of a held run, none. */
export function readyPhases(record: RunRecord): PhaseRecord[] {
  if (record.held) return [];
  const cancelled = record.state === 'cancelled';
  const byKey = new Map(record.phases.map((p) => [phaseKey(p.loadId, p.phase), p]));
  return record.phases.filter((p) => {
    if (p.state !== 'pending' || (cancelled && p.phase !== 'cleanup')) return false;
    const { rule, upstream } = phaseDependencies(record.pipeline, p.loadId, p.phase);
    return upstream.every((key) => {
      const state = byKey.get(key)?.state;
      if (state === undefined) return false;
      return rule === 'all_done' ? isTerminalPhase(state) : state === 'success';
    });
  });
}
