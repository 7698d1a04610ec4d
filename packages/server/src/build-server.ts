import swagger from '@fastify/swagger';
import { registerSecret, type Config, type Logger } from '@pipeline/core';
import { Orchestrator } from '@pipeline/runs';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { UnauthorizedError } from './errors/server-errors.js';
import { problem, PROBLEM_CONTENT_TYPE } from './errors/problem.js';
import { toProblem } from './errors/to-problem.js';
import { RunEventHub } from './events/event-hub.js';
import { eventRoutes } from './events/event-routes.js';
import { PipelineCatalog } from './pipelines/pipeline-catalog.js';
import { recordRoutes } from './route-registry.js';
import { healthRoutes } from './routes/health-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { pipelineRoutes } from './routes/pipeline-routes.js';
import { runRoutes } from './routes/run-routes.js';
import type { ServerContext } from './server-context.js';
import { createAccess, registerAccess } from './session/access.js';
import { assetRoutes } from './ui/assets.js';
import { dashboardRoutes } from './ui/dashboard-routes.js';
import { registerQueuesBoard } from './ui/queues-board.js';

export interface BuildServerOptions {
  config: Config;
  /** Shared connection; the caller closes it after the server. */
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  /** Bearer token the API routes require; undefined disables auth (startServer allows that on loopback only). */
  token?: string;
  /**
   * Mark the dashboard's cookies Secure on every request, not only on those that came over TLS.
   * startServer sets it for a token-protected server on a non-loopback address.
   * @defaultValue false
   */
  secureCookies?: boolean;
  now?: () => Date;
}

/** Request bodies are small JSON objects; anything larger is a mistake or an attack. */
const BODY_LIMIT = 64 * 1024;

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * The HTTP API on fastify with zod schemas: one schema per request and response validates the
 * input, serializes the output and generates the OpenAPI document, so the three cannot disagree.
 * Fastify's own logger is off; one line per request goes to our logger, without headers (they
 * carry the token).
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const { config, redis, keyPrefix, logger, token } = options;
  // Also when the token did not come through loadConfig: no log line may carry it.
  if (token !== undefined) registerSecret(token);
  const now = options.now ?? (() => new Date());
  const orchestrator = new Orchestrator({ redis, keyPrefix, logger, now });
  const ctx: ServerContext = { config, redis, keyPrefix, orchestrator, catalog: new PipelineCatalog(config.pipelinesDir, logger), now };

  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, return503OnClosing: true }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  recordRoutes(app);

  const hub = new RunEventHub(redis, keyPrefix, logger);
  // Before the server stops waiting for connections: event streams never end on their own.
  app.addHook('preClose', async () => hub.close());
  app.addHook('onClose', async () => orchestrator.close());
  app.addHook('onResponse', async (req, reply) => {
    logger.info({ method: req.method, path: pathOf(req.url), route: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  const access = createAccess({ redis, keyPrefix, ...(token === undefined ? {} : { token }), secureCookies: options.secureCookies ?? false });
  await registerAccess(app, access);

  app.setErrorHandler((error, req, reply) => {
    const body = toProblem(error, pathOf(req.url));
    if (body.status >= 500) logger.error({ err: error, method: req.method, path: body.instance }, 'request failed');
    if (error instanceof UnauthorizedError) reply.header('www-authenticate', 'Bearer');
    return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const body = problem(404, `no route ${req.method} ${pathOf(req.url)}; GET /openapi.json lists the routes`, pathOf(req.url));
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(body);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Pipeline orchestrator API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'PIPELINE_API_TOKEN' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(healthRoutes(ctx));
  app.get('/openapi.json', { config: { open: true }, schema: { hide: true } }, async () => app.swagger());
  await app.register(pipelineRoutes(ctx), { prefix: '/api/v1' });
  await app.register(runRoutes(ctx), { prefix: '/api/v1' });
  await app.register(metricsRoutes(ctx));
  await app.register(eventRoutes(hub), { prefix: '/api/v1' });
  await app.register(assetRoutes());
  await app.register(dashboardRoutes(ctx, access, hub));
  await registerQueuesBoard(app, ctx);
  return app;
}
