import { PARAM_KEY, badParamKeyMessage, parseInstant, parseInterval, RUN_ID_PATTERN, UsageError, type IntervalFields } from '@pipeline/runs';
import { LOAD_PHASES } from '@pipeline/core';
import { z } from 'zod';

/**
 * Request schemas. Dates and intervals are checked with the same functions as `pipeline trigger`
 * and `pipeline backfill`, inside refinements, so the API refuses the same input with the same
 * messages (naming the body field instead of the flag). Refinements, not transforms: the OpenAPI
 * document shows the wire format, and handlers parse the checked strings.
 */

function refineWith(check: () => unknown, ctx: z.RefinementCtx, path: (string | number)[]): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    ctx.addIssue({ code: 'custom', path, message: err.message });
  }
}

const instant = (field: string) =>
  z
    .string()
    .describe('YYYY-MM-DD (UTC midnight) or an ISO-8601 timestamp with a zone')
    .superRefine((value, ctx) => refineWith(() => parseInstant(value, field), ctx, []));

const INTERVAL_FIELDS: IntervalFields = { start: 'interval.start', end: 'interval.end' };
const RANGE_FIELDS: IntervalFields = { start: 'from', end: 'to' };

const paramValue = z.union([z.string(), z.number(), z.boolean()]);

export const triggerBodySchema = z
  .strictObject({
    interval: z.strictObject({ start: z.string(), end: z.string() }).optional().describe('The data interval [start, end); omitted, the run has none, as pipeline trigger without --start/--end'),
    fullRefresh: z.boolean().optional().describe('Read the whole source instead of an interval'),
    params: z.record(z.string(), paramValue).optional().describe('Run parameters; they win over the pipeline\'s and the load\'s'),
  })
  .superRefine((body, ctx) => {
    if (body.interval) refineWith(() => parseInterval(body.interval!.start, body.interval!.end, INTERVAL_FIELDS), ctx, ['interval']);
    if (body.fullRefresh && body.interval) ctx.addIssue({ code: 'custom', path: ['fullRefresh'], message: 'fullRefresh reads the whole source: leave out interval' });
    for (const key of Object.keys(body.params ?? {})) {
      if (!PARAM_KEY.test(key)) ctx.addIssue({ code: 'custom', path: ['params', key], message: badParamKeyMessage('params', key) });
    }
  })
  // Fastify hands a request without a body to the validator as null.
  .nullish();

export type TriggerBody = z.infer<typeof triggerBodySchema>;

export const backfillBodySchema = z
  .strictObject({
    from: z.string().describe('Intervals starting at or after this instant are backfilled'),
    to: z.string().describe('…and before this one'),
    reprocess: z.enum(['none', 'failed', 'all']).optional().describe('What to do with intervals that already have runs. Default none'),
  })
  .superRefine((body, ctx) => refineWith(() => parseInterval(body.from, body.to, RANGE_FIELDS), ctx, []));

export type BackfillBody = z.infer<typeof backfillBodySchema>;

/** The checked range of a backfill body. */
export function backfillRange(body: BackfillBody): { start: Date; end: Date } {
  return parseInterval(body.from, body.to, RANGE_FIELDS)!;
}

/** The checked interval of a trigger body; null for the latest complete interval or a full refresh. */
export function triggerInterval(body: TriggerBody): { start: Date; end: Date } | null {
  return body?.interval ? parseInterval(body.interval.start, body.interval.end, INTERVAL_FIELDS)! : null;
}

export const pipelineParamsSchema = z.strictObject({ id: z.string().min(1).max(63) });
export const runParamsSchema = z.strictObject({ runId: z.string().regex(RUN_ID_PATTERN, 'a run id: lower-case letters, digits, ".", "_" and "-"') });
export const phaseLogParamsSchema = z.strictObject({
  runId: z.string().regex(RUN_ID_PATTERN, 'a run id: lower-case letters, digits, ".", "_" and "-"'),
  loadId: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'a load id'),
  phase: z.enum(LOAD_PHASES),
});

export const runsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional().describe('At most this many runs, newest first. Default 50'),
  before: instant('before').optional().describe('Only runs whose interval starts before this instant: the next page'),
});

export const logQuerySchema = z.strictObject({
  lines: z.coerce.number().int().min(1).max(10_000).optional().describe('How many of the last lines. Default 200'),
});
