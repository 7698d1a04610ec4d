import { createMetricsRegistry, registerClusterMetrics, type MetricsRegistry } from '@pipeline/runs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerContext } from '../server-context.js';

/**
 * `GET /metrics`: Prometheus text with the cluster gauges read from Redis (runs, queue jobs, the
 * oldest waiting job, live workers) and this process's default metrics. Behind the bearer token
 * like the API when one is set (Prometheus sends it with `authorization: { credentials: … }`):
 * the figures carry no secret, but they do name every pipeline, and the server is the one
 * process meant to be reachable from outside. Hidden from the OpenAPI document: it is not JSON.
 */
export function metricsRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Made at the first scrape, so that a server nobody scrapes measures nothing.
    let registry: MetricsRegistry | undefined;
    const metrics = () => {
      if (!registry) {
        registry = createMetricsRegistry();
        const { orchestrator } = ctx;
        registerClusterMetrics(registry, { redis: ctx.redis, keyPrefix: ctx.keyPrefix, store: orchestrator.store, queue: (kind) => orchestrator.queue(kind) });
      }
      return registry;
    };
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      const registry = metrics();
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  };
}
