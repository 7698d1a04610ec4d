import { backfill, parseInstant, runViewSchema, toRunView } from '@pipeline/runs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem.js';
import { pipelineSummarySchema, summarize } from '../pipelines/pipeline-summary.js';
import { backfillBodySchema, backfillRange, pipelineParamsSchema, runsQuerySchema, triggerBodySchema, triggerInterval } from '../schemas/request-schemas.js';
import type { ServerContext } from '../server-context.js';

const backfillResultSchema = z.object({
  pipelineId: z.string(),
  queued: z
    .array(z.object({ runId: z.string(), start: z.string(), end: z.string(), action: z.enum(['create', 'retry']) }))
    .describe('Intervals now waiting; scheduler ticks create or retry their runs oldest first within maxActiveRuns'),
  skipped: z
    .array(z.object({ runId: z.string(), start: z.string(), end: z.string(), reason: z.enum(['has-run', 'not-failed', 'active']) }))
    .describe('Intervals left alone: has-run (reprocess none), not-failed (reprocess failed), active (still queued or running)'),
});

const pausedSchema = z.object({ id: z.string(), paused: z.boolean() });

/** Pipelines: list, detail, their runs, trigger, backfill, pause and resume. */
export function pipelineRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  const store = ctx.orchestrator.store;
  return async (app) => {
    app.get('/pipelines', { schema: { summary: 'List pipelines', response: { 200: z.array(pipelineSummarySchema), ...problemResponses } } }, async () => {
      const now = ctx.now();
      return Promise.all((await ctx.catalog.all()).map((p) => summarize(p, store, now)));
    });

    app.get('/pipelines/:id', { schema: { summary: 'One pipeline', params: pipelineParamsSchema, response: { 200: pipelineSummarySchema, ...problemResponses } } }, async (req) => {
      return summarize(await ctx.catalog.get(req.params.id), store, ctx.now());
    });

    app.get(
      '/pipelines/:id/runs',
      { schema: { summary: "A pipeline's runs, newest interval first (as pipeline runs --json)", params: pipelineParamsSchema, querystring: runsQuerySchema, response: { 200: z.array(runViewSchema), ...problemResponses } } },
      async (req) => {
        const pipeline = await ctx.catalog.get(req.params.id);
        const before = req.query.before === undefined ? undefined : parseInstant(req.query.before, 'before');
        const runs = await store.list(pipeline.id, { limit: req.query.limit ?? 50, ...(before ? { before } : {}) });
        return runs.map(toRunView);
      },
    );

    app.post(
      '/pipelines/:id/runs',
      { schema: { summary: 'Trigger a manual run (held, `held: true`, while the pipeline has schedule.maxActiveRuns runs active)', params: pipelineParamsSchema, body: triggerBodySchema, response: { 201: runViewSchema, ...problemResponses } } },
      async (req, reply) => {
        const pipeline = await ctx.catalog.get(req.params.id);
        const { record: run } = await ctx.orchestrator.triggerRun({ pipeline, trigger: 'manual', interval: triggerInterval(req.body), params: req.body?.params ?? {} });
        return reply.code(201).header('location', `/api/v1/runs/${run.runId}`).send(toRunView(run));
      },
    );

    app.post(
      '/pipelines/:id/backfill',
      { schema: { summary: 'Queue every scheduled interval in [from, to)', params: pipelineParamsSchema, body: backfillBodySchema, response: { 202: backfillResultSchema, ...problemResponses } } },
      async (req, reply) => {
        const pipeline = await ctx.catalog.get(req.params.id);
        const range = backfillRange(req.body);
        const result = await backfill({ redis: ctx.redis, keyPrefix: ctx.keyPrefix, pipeline, from: range.start, to: range.end, reprocess: req.body.reprocess ?? 'none', now: ctx.now() });
        const skipped = result.skipped.map((s) => ({ runId: s.runId, start: s.interval.start.toISOString(), end: s.interval.end.toISOString(), reason: s.reason }));
        return reply.code(202).send({ pipelineId: pipeline.id, queued: result.queued, skipped });
      },
    );

    for (const action of ['pause', 'resume'] as const) {
      app.post(
        `/pipelines/:id/${action}`,
        { schema: { summary: action === 'pause' ? 'Stop scheduling new runs' : 'Schedule new runs again', params: pipelineParamsSchema, response: { 200: pausedSchema, ...problemResponses } } },
        async (req) => {
          const pipeline = await ctx.catalog.get(req.params.id);
          if (action === 'pause') await store.pause(pipeline.id);
          else await store.resume(pipeline.id);
          return { id: pipeline.id, paused: await store.isPaused(pipeline.id) };
        },
      );
    }
  };
}
