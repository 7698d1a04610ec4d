import { Command, CommanderError, Option } from 'commander';
import { ConfigError, PipelineError } from '@pipeline/core/errors';
import { redactText } from '@pipeline/core/redact';
import { collectParam } from '@pipeline/runs/input';
import type { CommandIo } from './context.js';
import { EXIT } from './exit-codes.js';

// Each command's module is imported by its action, so that `pipeline --help`, a mistyped flag or
// a short command does not load what the other commands need: the API server, the scheduler and
// the worker, BullMQ's workers, the AWS SDK, pg.

function withGlobals(command: Command): Command {
  return command
    .option('--pipelines <dir>', 'directory of pipeline definitions (default ./pipelines, or PIPELINE_PIPELINES_DIR)')
    .option('--config <file>', 'configuration file (default ./pipeline.config.yaml when present, or PIPELINE_CONFIG)')
    .addOption(new Option('--log-level <level>', 'log level of the JSON log on stderr').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']));
}

/** What a run is over: its data interval (or a full refresh) and its parameters. */
function withRunInputs(command: Command): Command {
  return command
    .option('--start <iso>', 'start of the data interval (inclusive)')
    .option('--end <iso>', 'end of the data interval (exclusive)')
    .addOption(new Option('--full-refresh', 'read the whole source, ignoring intervals').conflicts(['start', 'end']))
    .option('--param <key=value>', 'run parameter passed to the transform (repeatable)', collectParam);
}

/** `--metrics-port` / `--metrics-host` of the services that serve their own GET /metrics. */
function withMetrics(command: Command): Command {
  return command
    .option('--metrics-port <n>', 'serve GET /metrics on this port (0: any free port; default PIPELINE_METRICS_PORT, else off)')
    .option('--metrics-host <address>', 'address /metrics listens on (default PIPELINE_METRICS_HOST, else 127.0.0.1)');
}

/** Errors that mean the command named something that is not there: bad input, nothing done. */
const BAD_INPUT = new Set(['E_RUN_NOT_FOUND', 'E_RUN_ID', 'E_RUN_STATE', 'E_BACKFILL_NO_SCHEDULE', 'E_BACKFILL_RANGE']);

/** Builds the program. Actions store their exit code; nothing here calls process.exit. */
export function buildProgram(io: CommandIo, setExit: (code: number) => void): Command {
  const program = new Command('pipeline')
    .description('Run and inspect Redshift → Spark → Redshift data pipelines.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .exitOverride();

  withRunInputs(withGlobals(program.command('run')))
    .description('run every phase of a pipeline in this process (no queue needed)')
    .argument('<pipelineId>', 'id of the pipeline to run')
    .option('--json', 'print the run report as JSON')
    .action(async (id: string, opts) => {
      const { runCommand } = await import('./commands/run-command.js');
      setExit(await runCommand(id, opts, io));
    });

  withRunInputs(withGlobals(program.command('trigger')))
    .description('create a manual run with a fresh id and enqueue it for the workers')
    .argument('<pipelineId>', 'id of the pipeline')
    .option('--wait', 'follow the run until it ends, showing each phase on stderr; exit 0 on success, 1 otherwise; Ctrl-C stops waiting (130), not the run')
    .option('--json', 'print JSON')
    .action(async (id: string, opts) => {
      const { triggerCommand } = await import('./commands/trigger-command.js');
      setExit(await triggerCommand(id, opts, io));
    });

  withGlobals(program.command('backfill'))
    .description('queue a run for every schedule interval starting in [--from, --to); schedulers create them within maxActiveRuns')
    .argument('<pipelineId>')
    .requiredOption('--from <iso>', 'first interval start (inclusive)')
    .requiredOption('--to <iso>', 'last interval start (exclusive)')
    .addOption(new Option('--reprocess <which>', 'intervals that already have a run: none, failed (retry them) or all (new runs)').choices(['none', 'failed', 'all']).default('none'))
    .action(async (id: string, opts) => {
      const { backfillCommand } = await import('./commands/scheduler-command.js');
      setExit(await backfillCommand(id, opts, io));
    });

  withMetrics(withGlobals(program.command('scheduler')))
    .description('create due runs from the pipelines\' schedules until stopped (SIGTERM); replicas are safe')
    .option('--tick <seconds>', 'pause between ticks (default 5)')
    .option('--alert-sweep <seconds>', 'with PIPELINE_ALERT_WEBHOOK_URL: how often missed deadlines and dead workers are looked for (default 20)')
    .action(async (opts) => {
      const { schedulerCommand } = await import('./commands/scheduler-command.js');
      setExit(await schedulerCommand(opts, io));
    });

  withMetrics(withGlobals(program.command('worker')))
    .description('run queued phases until stopped (SIGTERM: finish SQL phases, hand Spark waits back)')
    .option('--queues <list>', 'queues to take jobs from: spark, sql or both (default spark,sql)')
    .option('--concurrency <n>', 'jobs at once per queue (default 1)')
    .option('--grace <seconds>', 'how long SQL phases may take to finish after SIGTERM (default 30)')
    .option('--lock-duration <seconds>', 'lock a worker holds on each running job, renewed at half of it; a dead worker\'s jobs are retried once it lapses (default 60)')
    .option('--stalled-interval <seconds>', 'how often to look for jobs of dead workers (default 30)')
    .action(async (opts) => {
      const { workerCommand } = await import('./commands/worker-command.js');
      setExit(await workerCommand(opts, io));
    });

  withGlobals(program.command('serve'))
    .description('serve the HTTP API (/api/v1, /health, /openapi.json) until stopped; needs PIPELINE_API_TOKEN beyond loopback')
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--port <n>', 'port to listen on (default 8080)')
    .action(async (opts) => {
      const { serveCommand } = await import('./commands/serve-command.js');
      setExit(await serveCommand(opts, io));
    });

  withGlobals(program.command('cancel'))
    .description('cancel a run: stop its running phase and skip the rest')
    .argument('<runId>')
    .action(async (runId: string, opts) => {
      const { cancelCommand } = await import('./commands/run-control-commands.js');
      setExit(await cancelCommand(runId, opts, io));
    });

  withGlobals(program.command('retry'))
    .description('re-run the failed phase of a run and what depends on it, keeping what succeeded')
    .argument('<runId>')
    .action(async (runId: string, opts) => {
      const { retryCommand } = await import('./commands/run-control-commands.js');
      setExit(await retryCommand(runId, opts, io));
    });

  withGlobals(program.command('pause'))
    .description('stop scheduling new runs of a pipeline (survives restarts)')
    .argument('<pipelineId>')
    .action(async (id: string, opts) => {
      const { pauseCommand } = await import('./commands/run-control-commands.js');
      setExit(await pauseCommand(id, true, opts, io));
    });

  withGlobals(program.command('resume'))
    .description('schedule a paused pipeline again')
    .argument('<pipelineId>')
    .action(async (id: string, opts) => {
      const { pauseCommand } = await import('./commands/run-control-commands.js');
      setExit(await pauseCommand(id, false, opts, io));
    });

  withGlobals(program.command('runs'))
    .description("list a pipeline's runs, newest first")
    .argument('<pipelineId>')
    .option('--limit <n>', 'how many runs (default 25)')
    .option('--json', 'print a JSON array')
    .action(async (id: string, opts) => {
      const { runsCommand } = await import('./commands/history-commands.js');
      setExit(await runsCommand(id, opts, io));
    });

  withGlobals(program.command('status'))
    .description('show one run: phases, attempts, timings, external ids, rows, checks, errors')
    .argument('<runId>')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts) => {
      const { statusCommand } = await import('./commands/history-commands.js');
      setExit(await statusCommand(runId, opts, io));
    });

  withGlobals(program.command('validate'))
    .description('check pipeline definitions without connecting anywhere')
    .action(async (opts) => {
      const { validateCommand } = await import('./commands/validate-command.js');
      setExit(await validateCommand(opts, io));
    });

  withGlobals(program.command('doctor'))
    .description('check secrets, warehouse, compute and temp dir, with what to fix')
    .action(async (opts) => {
      const { doctorCommand } = await import('./commands/doctor-command.js');
      setExit(await doctorCommand(opts, io));
    });

  program
    .command('schema')
    .description('print the JSON Schema of pipeline definition files')
    .action(async () => {
      const { schemaCommand } = await import('./commands/schema-command.js');
      setExit(await schemaCommand(io));
    });

  return program;
}

/** Entry point: returns the process exit code (0 success, 1 failed run, 2 bad input). */
export async function main(argv: string[], io: CommandIo = { out: process.stdout, err: process.stderr, env: process.env }): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (err instanceof ConfigError || (err instanceof PipelineError && BAD_INPUT.has(err.code))) {
      io.err.write(`pipeline: ${redactText(err.message)}\n`);
      return EXIT.badInput;
    }
    const message = err instanceof Error ? err.message : String(err);
    const codeText = typeof err === 'object' && err !== null && 'code' in err ? ` [${String(err.code)}]` : '';
    io.err.write(`pipeline: ${redactText(message)}${codeText}\n`);
    return EXIT.failed;
  }
}
