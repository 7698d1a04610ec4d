import { LOAD_PHASES, orderLoads, type PipelineDefinition } from '@pipeline/core';
import type { PhaseRecord } from '../model/phase-record.js';

/** Every phase of every load, pending, in dependency order of the loads (rejects a dependsOn cycle). */
export function initialPhases(pipeline: PipelineDefinition): PhaseRecord[] {
  return orderLoads(pipeline.loads).flatMap((load) =>
    LOAD_PHASES.map((phase): PhaseRecord => ({ loadId: load.id, phase, state: 'pending', attempts: 0, generation: 0 })),
  );
}
