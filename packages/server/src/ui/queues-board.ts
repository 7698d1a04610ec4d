import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import { QUEUES_PATH } from '../session/session-cookie.js';
import type { ServerContext } from '../server-context.js';

/**
 * bull-board under /queues for the spark and sql queues: jobs, their data and errors, retries.
 * Sign-in and CSRF come from the server's hooks like every other route; bull-board's client
 * sends the XSRF-TOKEN cookie back as X-XSRF-TOKEN, which the CSRF hook accepts.
 */
export async function registerQueuesBoard(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(ctx.orchestrator.queue('spark')), new BullMQAdapter(ctx.orchestrator.queue('sql'))],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'pipeline queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUES_PATH });
}
