import { loadPipeline } from '@pipeline/core';
import { toRunView } from '@pipeline/runs';
import type { CommandIo, GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { withOrchestrator } from '../orchestrator-context.js';
import { formatRunLine, heldMessage } from '../format-run.js';

/** `pipeline cancel <runId>`: marks the run cancelled, stops its running phase wherever it runs, skips the rest. */
export async function cancelCommand(runId: string, options: GlobalOptions, io: CommandIo): Promise<number> {
  return withOrchestrator(options, io, async (ctx) => {
    const run = await ctx.orchestrator.cancelRun(runId);
    ctx.out.write(`${formatRunLine(toRunView(run))}\n`);
    return EXIT.ok;
  });
}

/**
 * `pipeline retry <runId>`: re-runs the failed phase and what depends on it; what succeeded is
 * kept. Held, and said so on stderr, while the pipeline has `schedule.maxActiveRuns` runs active.
 */
export async function retryCommand(runId: string, options: GlobalOptions, io: CommandIo): Promise<number> {
  return withOrchestrator(options, io, async (ctx) => {
    const { record: run, held } = await ctx.orchestrator.triggerRetry(runId);
    if (held) ctx.err.write(`${heldMessage(run.runId, run.pipelineId, held)}\n`);
    ctx.out.write(`${formatRunLine(toRunView(run))}\n`);
    return EXIT.ok;
  });
}

/** `pipeline pause|resume <id>`: stored in Redis, so it survives scheduler restarts. */
export async function pauseCommand(pipelineId: string, paused: boolean, options: GlobalOptions, io: CommandIo): Promise<number> {
  return withOrchestrator(options, io, async (ctx) => {
    await loadPipeline(ctx.config.pipelinesDir, pipelineId);
    if (paused) await ctx.orchestrator.store.pause(pipelineId);
    else await ctx.orchestrator.store.resume(pipelineId);
    ctx.out.write(`${pipelineId} ${paused ? 'paused: the scheduler creates no new runs for it' : 'resumed'}\n`);
    return EXIT.ok;
  });
}
