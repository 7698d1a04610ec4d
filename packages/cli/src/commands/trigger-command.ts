import { setTimeout as delay } from 'node:timers/promises';
import { loadPipeline, type ParamValue } from '@pipeline/core';
import { parseInterval, toRunView, type RunRecord } from '@pipeline/runs';
import type { CommandIo, GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { withOrchestrator } from '../orchestrator-context.js';
import { formatRunDetail } from '../format-run.js';
import { UsageError } from '../usage-error.js';

export interface TriggerOptions extends GlobalOptions {
  start?: string;
  end?: string;
  fullRefresh?: boolean;
  param?: Record<string, ParamValue>;
  wait?: boolean;
  json?: boolean;
}

const TERMINAL = new Set<RunRecord['state']>(['success', 'failed', 'cancelled']);

/**
 * `pipeline trigger <id>`: creates a manual run with a fresh id and enqueues its first phases;
 * workers do the rest. `--wait` follows it to the end.
 */
export async function triggerCommand(pipelineId: string, options: TriggerOptions, io: CommandIo): Promise<number> {
  if (options.fullRefresh && (options.start || options.end)) throw new UsageError('--full-refresh reads the whole source: leave out --start and --end');
  const interval = parseInterval(options.start, options.end) ?? null;
  return withOrchestrator(options, io, async (ctx) => {
    const { definition } = await loadPipeline(ctx.config.pipelinesDir, pipelineId);
    const run = await ctx.orchestrator.createRun({ pipeline: definition, trigger: 'manual', interval, params: options.param ?? {} });
    ctx.out.write(options.json && !options.wait ? `${JSON.stringify(toRunView(run))}\n` : `${run.runId}\n`);
    if (!options.wait) return EXIT.ok;
    let last = '';
    for (;;) {
      const current = await ctx.orchestrator.store.require(run.runId);
      const view = toRunView(current);
      const progress = view.phases.map((p) => `${p.loadId}/${p.name}=${p.state}`).join(' ');
      if (progress !== last && !options.json) ctx.err.write(`${current.state}: ${progress}\n`);
      last = progress;
      if (TERMINAL.has(current.state)) {
        ctx.out.write(options.json ? `${JSON.stringify(view)}\n` : formatRunDetail(view));
        return current.state === 'success' ? EXIT.ok : EXIT.failed;
      }
      await delay(500);
    }
  });
}
