import { loadPipeline } from '@pipeline/core';
import { toRunView } from '@pipeline/runs';
import type { CommandIo, GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { withOrchestrator } from '../orchestrator-context.js';
import { formatRunDetail, formatRunLine } from '../format-run.js';
import { UsageError } from '../usage-error.js';

export interface HistoryOptions extends GlobalOptions {
  json?: boolean;
  limit?: string;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 25;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new UsageError(`--limit "${value}" must be a whole number from 1 to 10000`);
  return n;
}

/** `pipeline runs <id>`: the pipeline's runs, newest first. */
export async function runsCommand(pipelineId: string, options: HistoryOptions, io: CommandIo): Promise<number> {
  const limit = parseLimit(options.limit);
  return withOrchestrator(options, io, async (ctx) => {
    await loadPipeline(ctx.config.pipelinesDir, pipelineId);
    const views = (await ctx.orchestrator.store.list(pipelineId, { limit })).map(toRunView);
    if (options.json) ctx.out.write(`${JSON.stringify(views, null, 2)}\n`);
    else if (views.length === 0) ctx.out.write(`no runs of ${pipelineId} yet\n`);
    else for (const view of views) ctx.out.write(`${formatRunLine(view)}\n`);
    return EXIT.ok;
  });
}

/** `pipeline status <runId>`: one run with every phase's state, attempts, timings, external ids, rows, checks and error. */
export async function statusCommand(runId: string, options: HistoryOptions, io: CommandIo): Promise<number> {
  return withOrchestrator(options, io, async (ctx) => {
    const view = toRunView(await ctx.orchestrator.store.require(runId));
    ctx.out.write(options.json ? `${JSON.stringify(view, null, 2)}\n` : formatRunDetail(view));
    return EXIT.ok;
  });
}
