import { describe, expect, it } from 'vitest';
import { registeredRoutes } from './route-registry.js';
import { useServerFixture } from './test-support/server-fixture.js';

const SAMPLE_PARAMS: Record<string, string> = { id: 'orders', runId: 'orders-manual-x', loadId: 'a', phase: 'extract-transform' };

function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => SAMPLE_PARAMS[name] ?? 'x');
}

describe('API authentication', () => {
  const f = useServerFixture();

  it('answers 401 problem+json with WWW-Authenticate on every protected route, without a token and with a wrong one', async () => {
    // Dashboard pages and bull-board send browsers to the sign-in form instead: tested in dashboard-auth.int.test.ts.
    const routes = registeredRoutes(f.app).filter((r) => !r.open && !r.page && !r.url.startsWith('/queues'));
    // The list comes from the server itself: a route added later is covered without editing this test.
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['GET /api/v1/pipelines', 'POST /api/v1/runs/:runId/retry', 'POST /api/v1/pipelines/:id/backfill']));
    expect(routes.length).toBeGreaterThanOrEqual(11);
    for (const route of routes) {
      for (const authorization of [undefined, `Bearer ${f.token}x`, `Basic ${f.token}`, 'Bearer ']) {
        const res = await f.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: authorization === undefined ? {} : { authorization },
          ...(route.method === 'POST' ? { payload: {} } : {}),
        });
        expect(res.statusCode, `${route.method} ${route.url} with ${authorization ?? 'no header'}`).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
        if (route.method !== 'HEAD') {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized', code: 'E_UNAUTHORIZED' });
        }
      }
    }
  });

  it('also refuses unknown paths without a token, so 404s do not map the API', async () => {
    expect((await f.app.inject({ method: 'GET', url: '/api/v1/nothing' })).statusCode).toBe(401);
    const res = await f.app.inject({ method: 'GET', url: '/api/v1/nothing', headers: { authorization: `Bearer ${f.token}` } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('serves the health check and the OpenAPI document without a token', async () => {
    const open = registeredRoutes(f.app).filter((r) => r.open && r.method === 'GET').map((r) => r.url);
    expect(open.sort()).toEqual(['/health', '/login', '/openapi.json', '/ui/assets/:name']);
    const health = await f.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', redis: 'ok' });
    const doc = await f.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
  });

  it('accepts the right token and never writes it to the log', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/api/v1/pipelines', headers: { authorization: `Bearer ${f.token}` } });
    expect(res.statusCode).toBe(200);
    await f.app.inject({ method: 'GET', url: `/api/v1/pipelines?token=${f.token}`, headers: { authorization: `Bearer ${f.token}` } });
    const log = f.logText();
    expect(log).toContain('"msg":"request"');
    expect(log).toContain('"path":"/api/v1/pipelines"');
    expect(log).not.toContain(f.token);
    expect(log).not.toMatch(/authorization/i);
  });
});
