import { isStreamId, type StoredRunEvent } from '@pipeline/runs';
import type { FastifyPluginAsync } from 'fastify';
import { RAW_SECURITY_HEADERS } from '../ui/security-headers.js';
import type { RunEventHub } from './event-hub.js';

/** Comment lines keep proxies and browsers from timing out an idle stream. @defaultValue 15 s */
export const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/events`: every run and phase state change as Server-Sent Events, `id` being the
 * Redis stream id, so a reconnecting EventSource resumes with Last-Event-ID. Authenticated like
 * the API (bearer token or dashboard session). Hidden from the OpenAPI document: not JSON.
 */
export function eventRoutes(hub: RunEventHub, options: { heartbeatMs?: number } = {}): FastifyPluginAsync {
  return async (app) => {
    app.get('/events', { schema: { hide: true } }, async (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        ...RAW_SECURITY_HEADERS,
      });
      res.write('retry: 2000\n\n');
      let ended = false;
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
      const sink = {
        send: (e: StoredRunEvent) => res.write(`id: ${e.id}\ndata: ${JSON.stringify(e.event)}\n\n`),
        end: () => {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          res.end();
        },
        ...(req.auth.kind === 'session' ? { sessionKey: req.auth.session.key } : {}),
      };
      const header = req.headers['last-event-id'];
      const lastEventId = typeof header === 'string' && isStreamId(header.trim()) ? header.trim() : undefined;
      const unsubscribe = await hub.subscribe(sink, lastEventId);
      req.raw.on('close', () => {
        unsubscribe();
        sink.end();
      });
      if (req.raw.destroyed) {
        unsubscribe();
        sink.end();
      }
    });
  };
}
