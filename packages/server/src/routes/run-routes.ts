import { runViewSchema, toRunView } from '@pipeline/runs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem.js';
import { phaseLogTail } from '../logs/phase-log.js';
import { logQuerySchema, phaseLogParamsSchema, runParamsSchema } from '../schemas/request-schemas.js';
import type { ServerContext } from '../server-context.js';

const logTailSchema = z.object({ runId: z.string(), loadId: z.string(), phase: z.string(), lines: z.array(z.string()) });

/** Runs: detail, cancel, retry from the failed phases, and a phase's log tail. */
export function runRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  const { orchestrator } = ctx;
  return async (app) => {
    app.get('/runs/:runId', { schema: { summary: 'One run and its phases', params: runParamsSchema, response: { 200: runViewSchema, ...problemResponses } } }, async (req) => {
      return toRunView(await orchestrator.store.require(req.params.runId));
    });

    app.post(
      '/runs/:runId/cancel',
      { schema: { summary: 'Cancel a run: stop its running phase, skip the rest', params: runParamsSchema, response: { 200: runViewSchema, ...problemResponses } } },
      async (req) => toRunView(await orchestrator.cancelRun(req.params.runId)),
    );

    app.post(
      '/runs/:runId/retry',
      { schema: { summary: 'Retry a failed or cancelled run from its unfinished phases (held, `held: true`, while the pipeline has schedule.maxActiveRuns runs active)', params: runParamsSchema, response: { 200: runViewSchema, ...problemResponses } } },
      async (req) => toRunView((await orchestrator.triggerRetry(req.params.runId)).record),
    );

    app.get(
      '/runs/:runId/phases/:loadId/:phase/log',
      { schema: { summary: "The tail of a phase's log, when this server can read it", params: phaseLogParamsSchema, querystring: logQuerySchema, response: { 200: logTailSchema, ...problemResponses } } },
      async (req) => {
        const { runId, loadId, phase } = req.params;
        const run = await orchestrator.store.require(runId);
        return { runId, loadId, phase, lines: await phaseLogTail(ctx.config.tempDir, run, loadId, phase, req.query.lines ?? 200) };
      },
    );
  };
}
