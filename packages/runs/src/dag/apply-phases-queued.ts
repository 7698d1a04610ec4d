import type { PhaseRecord } from '../model/phase-record.js';
import type { RunRecord } from '../model/run-record.js';
import { phaseKey } from './phase-key.js';
import { withRollup } from './rollup.js';
import { withFields } from './with-fields.js';

/** Marks the given pending phases `queued` (their jobs are about to be added). Same object when none changes. */
export function applyPhasesQueued(record: RunRecord, phases: readonly Pick<PhaseRecord, 'loadId' | 'phase'>[], now: Date): RunRecord {
  const keys = new Set(phases.map((p) => phaseKey(p.loadId, p.phase)));
  if (!record.phases.some((p) => p.state === 'pending' && keys.has(phaseKey(p.loadId, p.phase)))) return record;
  const at = now.toISOString();
  const next = record.phases.map((p): PhaseRecord => (p.state === 'pending' && keys.has(phaseKey(p.loadId, p.phase)) ? withFields(p, { state: 'queued', queuedAt: at }) : p));
  return withRollup({ ...record, phases: next }, now);
}
