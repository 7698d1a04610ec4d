import type { Logger } from '@pipeline/core';
import type { Orchestrator } from '@pipeline/runs';

/** What the housekeeping pass gave one pipeline the scheduler does not tick. */
export interface UnscheduledAdmission {
  pipelineId: string;
  /** Held runs given a run slot, in the order they were held (none when no slot was free). */
  admitted: string[];
}

/**
 * Held runs of pipelines the scheduler does not tick (the definition was deleted, or lost its
 * schedule) are admitted when a run of their pipeline ends (`Orchestrator.onSlotFreed`); should
 * that admission fail, or come when no run is left to end, no tick comes back to them. This
 * hourly pass gives them their free slots, oldest first, under the limit last recorded for the
 * pipeline: a run is a snapshot, and one that was triggered still runs when its file goes.
 * A pipeline whose admission lock is taken is left to the holder, or to the next pass.
 */
export async function admitUnscheduledHeld(orchestrator: Orchestrator, ticked: ReadonlySet<string>, logger: Logger): Promise<UnscheduledAdmission[]> {
  const out: UnscheduledAdmission[] = [];
  for (const pipelineId of await orchestrator.store.heldPipelineIds()) {
    if (ticked.has(pipelineId)) continue;
    try {
      const admitted = await orchestrator.admitWaiting(pipelineId, { waitMs: 0 });
      if (admitted.length > 0) logger.info({ pipelineId, admitted }, 'held runs of a pipeline the scheduler does not tick admitted');
      out.push({ pipelineId, admitted });
    } catch (err) {
      logger.warn({ err, pipelineId }, 'held runs of a pipeline the scheduler does not tick not admitted; tried again at the next hourly pass');
    }
  }
  return out;
}
