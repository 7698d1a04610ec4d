import { z } from 'zod';
import { PipelineSchema } from './pipeline-schema.js';

/** JSON Schema of a pipeline definition file, for editor completion and validation. */
export function pipelineJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(PipelineSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Pipeline definition',
  };
}
