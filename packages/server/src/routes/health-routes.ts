import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../server-context.js';

const healthSchema = z.object({ status: z.enum(['ok', 'unavailable']), redis: z.enum(['ok', 'unavailable']) });

/** `GET /health`: open, for load balancers; 503 when Redis, which holds all state, does not answer. */
export function healthRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/health', { config: { open: true }, schema: { summary: 'Liveness and Redis reachability', security: [], response: { 200: healthSchema, 503: healthSchema } } }, async (_req, reply) => {
      const ok = await Promise.race([ctx.redis.ping().then((r) => r === 'PONG').catch(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref())]);
      return ok ? { status: 'ok' as const, redis: 'ok' as const } : reply.code(503).send({ status: 'unavailable', redis: 'unavailable' });
    });
  };
}
