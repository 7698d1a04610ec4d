import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineJsonSchema } from '@pipeline/core';
import { repoRoot } from '@pipeline/testing';

describe('pipeline schema', () => {
  it('matches the committed pipelines/pipeline.schema.json (regenerate with: npx pipeline schema > pipelines/pipeline.schema.json)', async () => {
    const committed = JSON.parse(await readFile(path.join(repoRoot(), 'pipelines', 'pipeline.schema.json'), 'utf8'));
    expect(committed).toEqual(pipelineJsonSchema());
  });
});
