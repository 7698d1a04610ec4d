import { PipelineSchema, type PipelineDefinition } from '@pipeline/core';

/** Loads a → b (b dependsOn a) and an independent e; no transforms, so no files are needed. */
export function testPipeline(id = 'orders'): PipelineDefinition {
  const load = (loadId: string, dependsOn: string[] = []) => ({
    id: loadId,
    source: { table: `public.${loadId}_raw` },
    target: { table: `analytics.${loadId}`, key: ['id'] },
    dependsOn,
  });
  return PipelineSchema.parse({ id, loads: [load('a'), load('b', ['a']), load('e')] });
}
