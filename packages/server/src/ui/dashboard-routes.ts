import formbody from '@fastify/formbody';
import { RUN_ID_PATTERN, RunNotFoundError, toRunView } from '@pipeline/runs';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { bearerMatches } from '../auth/bearer-token.js';
import type { RunEventHub } from '../events/event-hub.js';
import { PipelineNotFoundError } from '../errors/server-errors.js';
import { summarize } from '../pipelines/pipeline-summary.js';
import type { ServerContext } from '../server-context.js';
import type { Access } from '../session/access.js';
import { clearSessionCookies, setSessionCookies } from '../session/session-cookie.js';
import type { Html } from './html.js';
import { loginPage, notFoundPage, pipelinePage, pipelinesPage, runPage, type PageContext } from './pages.js';

/** A wrong token waits this long before the form comes back: guessing gets slow. */
export const BAD_TOKEN_DELAY_MS = 750;

const loginFormSchema = z.object({ token: z.string().max(4096).optional(), next: z.string().max(2048).optional() });

/** Where to go after signing in: a path on this server only, never another origin (`//host`, `/\host`). */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : '/';
}

const PAGE = { page: true } as const;
const HIDDEN = { hide: true } as const;

function pageContext(req: FastifyRequest): PageContext {
  return req.auth.kind === 'session' ? { csrfToken: req.auth.session.csrfToken, signedIn: true } : { csrfToken: '', signedIn: false };
}

function sendHtml(reply: FastifyReply, body: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.text);
}

/**
 * The dashboard: sign-in and logout, and the pages (pipelines, a pipeline's run grid, a run).
 * Pages are HTML shells with the values the page is about, escaped; a small ES module per page
 * fetches the rest from /api/v1 with the session cookie and follows /api/v1/events.
 */
export function dashboardRoutes(ctx: ServerContext, access: Access, hub: RunEventHub): FastifyPluginAsync {
  return async (app) => {
    // Form bodies only here: the API keeps refusing anything but JSON.
    await app.register(formbody, { bodyLimit: 8 * 1024 });

    app.get<{ Querystring: { next?: string } }>('/login', { config: { open: true, session: true }, schema: HIDDEN }, async (req, reply) => {
      if (access.token === undefined || req.auth.kind === 'session') return reply.redirect(safeNext(req.query.next), 303);
      return sendHtml(reply, loginPage({ next: safeNext(req.query.next) }));
    });

    app.post('/login', { config: { open: true }, schema: HIDDEN }, async (req, reply) => {
      const form = loginFormSchema.safeParse(req.body ?? {});
      const next = safeNext(form.success ? form.data.next : undefined);
      if (access.token === undefined || access.sessions === undefined) return reply.redirect(next, 303);
      if (!form.success || !bearerMatches(`Bearer ${form.data.token ?? ''}`, access.token)) {
        await new Promise((resolve) => setTimeout(resolve, BAD_TOKEN_DELAY_MS));
        return sendHtml(reply, loginPage({ next, message: 'That token is not this deployment\'s PIPELINE_API_TOKEN. Check it and try again.' }), 401);
      }
      const { id, session } = await access.sessions.create(ctx.now());
      setSessionCookies(reply, req, id, session.csrfToken, access.secureCookies);
      return reply.redirect(next, 303);
    });

    app.post('/logout', { config: { open: true, session: true }, schema: HIDDEN }, async (req, reply) => {
      if (req.auth.kind === 'session') {
        await access.sessions?.destroy(req.auth.session);
        hub.endSession(req.auth.session.key);
      }
      clearSessionCookies(reply, req, access.secureCookies);
      return reply.redirect(access.token === undefined ? '/' : '/login', 303);
    });

    app.get('/', { config: PAGE, schema: HIDDEN }, async (req, reply) => sendHtml(reply, pipelinesPage(pageContext(req))));

    app.get<{ Params: { id: string } }>('/pipelines/:id', { config: PAGE, schema: HIDDEN }, async (req, reply) => {
      try {
        const summary = await summarize(await ctx.catalog.get(req.params.id), ctx.orchestrator.store, ctx.now());
        return sendHtml(reply, pipelinePage(pageContext(req), summary));
      } catch (err) {
        if (err instanceof PipelineNotFoundError) return sendHtml(reply, notFoundPage(pageContext(req), err.message), 404);
        throw err;
      }
    });

    app.get<{ Params: { runId: string } }>('/runs/:runId', { config: PAGE, schema: HIDDEN }, async (req, reply) => {
      const { runId } = req.params;
      const missing = () => sendHtml(reply, notFoundPage(pageContext(req), `no run "${runId}"`), 404);
      if (!RUN_ID_PATTERN.test(runId)) return missing();
      try {
        const view = toRunView(await ctx.orchestrator.store.require(runId));
        return sendHtml(reply, runPage(pageContext(req), view, { region: ctx.config.region ?? '', compute: ctx.config.compute.kind }));
      } catch (err) {
        if (err instanceof RunNotFoundError) return missing();
        throw err;
      }
    });
  };
}
