import { LOAD_PHASES } from '@pipeline/core';
import { z } from 'zod';
import { RUN_ID_PATTERN } from '../model/run-id.js';

/** What every phase job carries: which phase of which run, and which generation of it. */
export const JobPayloadSchema = z.strictObject({
  runId: z.string().regex(RUN_ID_PATTERN),
  loadId: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/),
  phase: z.enum(LOAD_PHASES),
  generation: z.int().min(0),
});

export type JobPayload = z.output<typeof JobPayloadSchema>;
