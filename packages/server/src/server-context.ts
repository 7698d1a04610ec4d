import type { Config } from '@pipeline/core';
import type { Orchestrator } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import type { PipelineCatalog } from './pipelines/pipeline-catalog.js';

/** What the route handlers share. */
export interface ServerContext {
  config: Config;
  redis: Redis;
  keyPrefix: string;
  orchestrator: Orchestrator;
  catalog: PipelineCatalog;
  now: () => Date;
}
