import { pipelineJsonSchema } from '@pipeline/core';
import type { CommandIo } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `pipeline schema`: prints the JSON Schema of definition files, for editors. */
export async function schemaCommand(io: CommandIo): Promise<number> {
  io.out.write(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
  return EXIT.ok;
}
