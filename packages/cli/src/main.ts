import { Command, CommanderError, Option } from 'commander';
import { ConfigError, redactText } from '@pipeline/core';
import { doctorCommand } from './commands/doctor-command.js';
import { runCommand } from './commands/run-command.js';
import { schemaCommand } from './commands/schema-command.js';
import { validateCommand } from './commands/validate-command.js';
import type { CommandIo } from './context.js';
import { EXIT } from './exit-codes.js';
import { collectParam } from './parse-args.js';

function withGlobals(command: Command): Command {
  return command
    .option('--pipelines <dir>', 'directory of pipeline definitions (default ./pipelines, or PIPELINE_PIPELINES_DIR)')
    .option('--config <file>', 'configuration file (default ./pipeline.config.yaml when present, or PIPELINE_CONFIG)')
    .addOption(new Option('--log-level <level>', 'log level of the JSON log on stderr').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']));
}

/** Builds the program. Actions store their exit code; nothing here calls process.exit. */
export function buildProgram(io: CommandIo, setExit: (code: number) => void): Command {
  const program = new Command('pipeline')
    .description('Run and inspect Redshift → Spark → Redshift data pipelines.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .exitOverride();

  withGlobals(program.command('run'))
    .description('run every phase of a pipeline in this process (no queue needed)')
    .argument('<pipelineId>', 'id of the pipeline to run')
    .option('--start <iso>', 'start of the data interval (inclusive)')
    .option('--end <iso>', 'end of the data interval (exclusive)')
    .addOption(new Option('--full-refresh', 'read the whole source, ignoring intervals').conflicts(['start', 'end']))
    .option('--param <key=value>', 'run parameter passed to the transform (repeatable)', collectParam)
    .option('--json', 'print the run report as JSON')
    .action(async (id: string, opts) => setExit(await runCommand(id, opts, io)));

  withGlobals(program.command('validate'))
    .description('check pipeline definitions without connecting anywhere')
    .action(async (opts) => setExit(await validateCommand(opts, io)));

  withGlobals(program.command('doctor'))
    .description('check secrets, warehouse, compute and temp dir, with what to fix')
    .action(async (opts) => setExit(await doctorCommand(opts, io)));

  program
    .command('schema')
    .description('print the JSON Schema of pipeline definition files')
    .action(async () => setExit(await schemaCommand(io)));

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
    if (err instanceof ConfigError) {
      io.err.write(`pipeline: ${redactText(err.message)}\n`);
      return EXIT.badInput;
    }
    const message = err instanceof Error ? err.message : String(err);
    const codeText = typeof err === 'object' && err !== null && 'code' in err ? ` [${String(err.code)}]` : '';
    io.err.write(`pipeline: ${redactText(message)}${codeText}\n`);
    return EXIT.failed;
  }
}
