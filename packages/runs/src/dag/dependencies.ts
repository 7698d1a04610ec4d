import { LOAD_PHASES, type LoadPhase, type PipelineDefinition } from '@pipeline/core';
import { phaseKey } from './phase-key.js';

/** How a phase decides that it may start. */
export type TriggerRule =
  /** Every upstream phase succeeded. */
  | 'all_success'
  /** Every upstream phase is terminal, whatever the outcome: cleanup runs after failures too. */
  | 'all_done';

export interface PhaseDependencies {
  rule: TriggerRule;
  /** Phase keys this phase waits for. */
  upstream: string[];
}

/**
 * The edges of the run's DAG for one phase. Within a load the phases chain in LOAD_PHASES
 * order; cleanup waits for every other phase of its load (all_done), so that staging is dropped
 * whichever phase stopped the load; a load's extract-transform waits for the `validate` of each
 * load it depends on, so a dependent load only reads data that passed its final checks.
 */
export function phaseDependencies(pipeline: PipelineDefinition, loadId: string, phase: LoadPhase): PhaseDependencies {
  const index = LOAD_PHASES.indexOf(phase);
  if (phase === 'cleanup') {
    return { rule: 'all_done', upstream: LOAD_PHASES.slice(0, index).map((p) => phaseKey(loadId, p)) };
  }
  if (index > 0) return { rule: 'all_success', upstream: [phaseKey(loadId, LOAD_PHASES[index - 1] as LoadPhase)] };
  const load = pipeline.loads.find((l) => l.id === loadId);
  return { rule: 'all_success', upstream: (load?.dependsOn ?? []).map((d) => phaseKey(d, 'validate')) };
}
