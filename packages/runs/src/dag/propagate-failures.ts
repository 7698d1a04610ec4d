import type { PhaseRecord } from '../model/phase-record.js';
import type { Draft, RunRecord } from '../model/run-record.js';
import { phaseDependencies } from './dependencies.js';
import { phaseKey } from './phase-key.js';

const BLOCKING = new Set(['failed', 'upstream_failed', 'cancelled']);

/**
 * Marks `upstream_failed` every pending phase that can no longer run: an all_success phase with
 * a blocked upstream, and the cleanup of a load that never started (its extract-transform is
 * upstream_failed, so there is no staging table and no file to remove). Cleanup of a load that
 * did start stays pending and runs once the rest of its load is done.
 */
export function propagateFailures(record: RunRecord, now: Date): RunRecord {
  const phases: Array<Draft<PhaseRecord>> = record.phases.map((p) => ({ ...p }));
  const byKey = new Map(phases.map((p) => [phaseKey(p.loadId, p.phase), p]));
  const at = now.toISOString();
  let changed = true;
  while (changed) {
    changed = false;
    for (const p of phases) {
      if (p.state !== 'pending') continue;
      const blocked = p.phase === 'cleanup'
        ? byKey.get(phaseKey(p.loadId, 'extract-transform'))?.state === 'upstream_failed'
        : phaseDependencies(record.pipeline, p.loadId, p.phase).upstream.some((key) => BLOCKING.has(byKey.get(key)?.state ?? ''));
      if (blocked) {
        p.state = 'upstream_failed';
        p.endedAt = at;
        changed = true;
      }
    }
  }
  return { ...record, phases };
}
