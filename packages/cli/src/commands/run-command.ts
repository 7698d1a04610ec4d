import {
  LOAD_PHASES,
  createServices,
  lastCompleteInterval,
  loadPipeline,
  manualRunId,
  orderLoads,
  runPipeline,
  type LoadPhase,
  type ParamValue,
} from '@pipeline/core';
import { parseInterval } from '@pipeline/runs/input';
import { commandContext, type CommandIo, type GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatReport } from '../format-report.js';
import { createProgress } from '../progress/create-progress.js';
import type { PhaseChange } from '../progress/phase-change.js';
import { progressMode } from '../progress/progress-mode.js';
import type { ProgressRenderer } from '../progress/progress-renderer.js';
import { UsageError } from '../usage-error.js';

export interface RunOptions extends GlobalOptions {
  start?: string;
  end?: string;
  fullRefresh?: boolean;
  param?: Record<string, ParamValue>;
  json?: boolean;
}

/**
 * `pipeline run <id>`: every phase of every load in this process, no queue needed. The interval
 * is --start/--end, else the last complete schedule interval, else a full refresh. Each phase
 * state change shows on stderr as it happens (see `progressMode`); stdout gets the report.
 */
export async function runCommand(pipelineId: string, options: RunOptions, io: CommandIo): Promise<number> {
  if (options.fullRefresh && (options.start || options.end)) throw new UsageError('--full-refresh reads the whole source: leave out --start and --end');
  const explicit = parseInterval(options.start, options.end);
  const mode = progressMode(io.env, io.err, options.json);
  const ctx = commandContext(options, io);
  const { definition } = await loadPipeline(ctx.config.pipelinesDir, pipelineId);
  const schedule = definition.schedule;
  const interval = options.fullRefresh
    ? null
    : (explicit ?? (schedule ? (lastCompleteInterval(schedule.cron, schedule.timezone, new Date()) ?? null) : null));

  const services = await createServices(ctx.config, ctx.logger, io.env);
  const loadIds = orderLoads(definition.loads).map((l) => l.id);
  // Started with the first phase, so a run refused before any phase leaves no empty block behind.
  let progress: ProgressRenderer | undefined;
  const reported = new Set<string>();
  const show = (change: Omit<PhaseChange, 'at'>) => {
    progress ??= createProgress(mode, ctx.err, io.env, loadIds.flatMap((loadId) => LOAD_PHASES.map((phase) => ({ loadId, phase, state: 'pending' as const }))));
    reported.add(`${change.loadId}/${change.phase}`);
    progress.update({ ...change, at: new Date() });
  };
  // A load's phases that never started were skipped after a failure: the run model calls that upstream_failed.
  const showSkipped = (loadId: string, phases: readonly LoadPhase[]) => {
    for (const phase of phases) if (!reported.has(`${loadId}/${phase}`)) show({ loadId, phase, state: 'upstream_failed' });
  };
  const controller = new AbortController();
  const onSignal = () => {
    controller.abort();
    progress?.interrupt();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const runId = manualRunId(definition.id);
    if (!options.json) {
      const range = interval ? `${interval.start.toISOString()} → ${interval.end.toISOString()}` : 'full refresh';
      ctx.err.write(`run ${runId}  pipeline ${definition.id}  ${range}\n`);
    }
    const report = await runPipeline(
      { runId, pipeline: definition, interval, params: options.param ?? {} },
      services,
      {
        signal: controller.signal,
        onPhaseStart: (loadId, phase) => {
          if (phase === 'cleanup') showSkipped(loadId, LOAD_PHASES.slice(0, -1));
          show({ loadId, phase, state: 'running' });
        },
        onPhaseEnd: (loadId, phase) => {
          show({ loadId, phase: phase.phase, state: phase.state === 'success' ? 'success' : phase.state === 'failed' ? 'failed' : 'upstream_failed', durationMs: phase.durationMs, ...(phase.error ? { errorCode: phase.error.code } : {}) });
        },
      },
    );
    for (const load of report.loads) if (load.state === 'upstream_failed') showSkipped(load.loadId, LOAD_PHASES);
    progress?.end({ state: report.state, durationMs: report.durationMs });
    progress = undefined;
    if (options.json) ctx.out.write(`${JSON.stringify(report, (key, value) => (key === 'error' && value instanceof Error ? { name: value.name, message: value.message } : value), 2)}\n`);
    else ctx.out.write(formatReport(report));
    return report.state === 'success' ? EXIT.ok : EXIT.failed;
  } finally {
    progress?.end();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await services.close();
  }
}
