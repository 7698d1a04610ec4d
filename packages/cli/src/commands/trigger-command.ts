import { loadPipeline, type ParamValue } from '@pipeline/core';
import { RunEventLog, parseInterval, toRunView, type RunRecord } from '@pipeline/runs';
import type { CommandIo, GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { withOrchestrator, type RunsContext } from '../orchestrator-context.js';
import { formatRunDetail, heldMessage } from '../format-run.js';
import { createProgress } from '../progress/create-progress.js';
import { followRun } from '../progress/follow-run.js';
import { progressMode, type ProgressMode } from '../progress/progress-mode.js';
import { silentProgress, type ProgressRenderer } from '../progress/progress-renderer.js';
import { UsageError } from '../usage-error.js';

export interface TriggerOptions extends GlobalOptions {
  start?: string;
  end?: string;
  fullRefresh?: boolean;
  param?: Record<string, ParamValue>;
  wait?: boolean;
  json?: boolean;
}

/**
 * `pipeline trigger <id>`: creates a manual run with a fresh id and enqueues its first phases;
 * workers do the rest. When the pipeline already has `schedule.maxActiveRuns` runs active, the
 * run is held until a scheduler admits it (said on stderr). `--wait` follows it to the end
 * through the run event stream, showing each phase state change on stderr.
 */
export async function triggerCommand(pipelineId: string, options: TriggerOptions, io: CommandIo): Promise<number> {
  if (options.fullRefresh && (options.start || options.end)) throw new UsageError('--full-refresh reads the whole source: leave out --start and --end');
  const interval = parseInterval(options.start, options.end) ?? null;
  const mode = options.wait ? progressMode(io.env, io.err, options.json) : 'off';
  return withOrchestrator(options, io, async (ctx) => {
    const { definition } = await loadPipeline(ctx.config.pipelinesDir, pipelineId);
    // Read before the run exists: every one of its events comes after this id.
    const fromId = options.wait ? await new RunEventLog(ctx.redis, ctx.config.redis.keyPrefix).lastId() : '0-0';
    const { record: run, held } = await ctx.orchestrator.triggerRun({ pipeline: definition, trigger: 'manual', interval, params: options.param ?? {} });
    if (held) ctx.err.write(`${heldMessage(run.runId, definition.id, held)}\n`);
    if (options.wait) return waitForRun(ctx, run, fromId, mode, io.env, options.json ?? false);
    ctx.out.write(options.json ? `${JSON.stringify(toRunView(run))}\n` : `${run.runId}\n`);
    return EXIT.ok;
  });
}

/**
 * Prints the run id and follows the run to its end: 0 on success, 1 when it failed or was
 * cancelled. Ctrl-C stops the waiting only (130); the run goes on in the workers.
 */
async function waitForRun(ctx: RunsContext, run: RunRecord, fromId: string, mode: ProgressMode, env: NodeJS.ProcessEnv, json: boolean): Promise<number> {
  const reader = ctx.redis.duplicate();
  reader.on('error', () => undefined);
  const controller = new AbortController();
  let progress: ProgressRenderer = silentProgress;
  const onSignal = () => {
    controller.abort();
    progress.interrupt();
    // Ends the blocking read at once instead of after its timeout.
    reader.disconnect();
  };
  process.once('SIGINT', onSignal);
  // Only now: whoever reads the id and then presses Ctrl-C must find the handler in place. And
  // before the live block, which cannot redraw over lines written below it.
  ctx.out.write(`${run.runId}\n`);
  progress = createProgress(mode, ctx.err, env, run.phases.map((p) => ({ loadId: p.loadId, phase: p.phase, state: p.state })));
  let ended = false;
  try {
    const done = await followRun({
      redis: ctx.redis,
      reader,
      keyPrefix: ctx.config.redis.keyPrefix,
      run,
      fromId,
      signal: controller.signal,
      onChange: (change) => progress.update(change),
    });
    if (!done) {
      progress.end();
      ended = true;
      ctx.err.write(`stopped waiting; run ${run.runId} goes on. Follow it with: pipeline status ${run.runId}\n`);
      return EXIT.interrupted;
    }
    const started = Date.parse(done.startedAt ?? done.createdAt);
    const finished = done.endedAt ? Date.parse(done.endedAt) : Date.now();
    progress.end({ state: done.state, durationMs: finished - started });
    ended = true;
    const view = toRunView(done);
    ctx.out.write(json ? `${JSON.stringify(view)}\n` : formatRunDetail(view));
    return done.state === 'success' ? EXIT.ok : EXIT.failed;
  } finally {
    if (!ended) progress.end();
    process.off('SIGINT', onSignal);
    reader.disconnect();
  }
}
