import {
  createServices,
  lastCompleteInterval,
  loadPipeline,
  manualRunId,
  runPipeline,
  type ParamValue,
} from '@pipeline/core';
import { parseInterval } from '@pipeline/runs';
import { commandContext, type CommandIo, type GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatPhaseLine, formatReport } from '../format-report.js';
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
 * is --start/--end, else the last complete schedule interval, else a full refresh.
 */
export async function runCommand(pipelineId: string, options: RunOptions, io: CommandIo): Promise<number> {
  if (options.fullRefresh && (options.start || options.end)) throw new UsageError('--full-refresh reads the whole source: leave out --start and --end');
  const explicit = parseInterval(options.start, options.end);
  const ctx = commandContext(options, io);
  const { definition } = await loadPipeline(ctx.config.pipelinesDir, pipelineId);
  const schedule = definition.schedule;
  const interval = options.fullRefresh
    ? null
    : (explicit ?? (schedule ? (lastCompleteInterval(schedule.cron, schedule.timezone, new Date()) ?? null) : null));

  const services = await createServices(ctx.config, ctx.logger, io.env);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
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
        onPhaseEnd: (loadId, phase) => {
          if (!options.json) ctx.err.write(`${loadId}${formatPhaseLine({ loadId, state: 'success', phases: [] }, phase)}\n`);
        },
      },
    );
    if (options.json) ctx.out.write(`${JSON.stringify(report, (key, value) => (key === 'error' && value instanceof Error ? { name: value.name, message: value.message } : value), 2)}\n`);
    else ctx.out.write(formatReport(report));
    return report.state === 'success' ? EXIT.ok : EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await services.close();
  }
}
