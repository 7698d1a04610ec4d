import { loadPipelines } from '@pipeline/core';
import { commandContext, type CommandIo, type GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `pipeline validate`: definitions only; nothing connects anywhere. */
export async function validateCommand(options: GlobalOptions, io: CommandIo): Promise<number> {
  const ctx = commandContext(options, io);
  const pipelines = await loadPipelines(ctx.config.pipelinesDir);
  for (const { file, definition } of pipelines) {
    const schedule = (definition.schedule ? `${definition.schedule.cron} ${definition.schedule.timezone}` : 'no schedule') + (definition.deadline ? `, deadline ${definition.deadline}` : '');
    ctx.out.write(`ok ${definition.id.padEnd(24)} ${definition.loads.length} load(s), ${schedule}  (${file})\n`);
  }
  ctx.out.write(`${pipelines.length} pipeline definition(s) valid\n`);
  return EXIT.ok;
}
