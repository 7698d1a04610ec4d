import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from './route-registry.js';
import { DASHBOARD_CSP } from './ui/security-headers.js';
import { startServerFixture, useServerFixture, type ServerFixture } from './test-support/server-fixture.js';

interface SignedIn {
  cookie: string;
  id: string;
  csrf: string;
}

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? (header as string[]) : [String(header)];
}

async function signIn(f: ServerFixture, token = f.token): Promise<SignedIn> {
  const res = await f.app.inject({ method: 'POST', url: '/login', payload: `token=${encodeURIComponent(token)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(res.statusCode).toBe(303);
  const session = setCookies(res).find((c) => c.startsWith('pipeline_session='))!;
  const id = /^pipeline_session=([^;]+)/.exec(session)![1]!;
  const page = await f.app.inject({ method: 'GET', url: '/', headers: { cookie: `pipeline_session=${id}` } });
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)![1]!;
  return { cookie: `pipeline_session=${id}`, id, csrf };
}

describe('dashboard sign-in', () => {
  const f = useServerFixture();

  it('serves the sign-in form with the security headers', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/login' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<form class="login-form" method="post" action="/login">');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', 'x-frame-options': 'DENY' });
  });

  it('refuses a wrong token with the form again, 401, after a delay, and sets no cookie', async () => {
    const started = Date.now();
    const res = await f.app.inject({ method: 'POST', url: '/login', payload: `token=${f.token}x&next=%2Fruns%2Fx`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('That token is not this deployment&#39;s PIPELINE_API_TOKEN');
    expect(res.body).toContain('name="next" value="/runs/x"');
    expect(setCookies(res)).toEqual([]);
    expect(f.logText()).not.toContain(f.token);
  });

  it('signs in with the token: an httpOnly SameSite=Strict cookie holding a random id kept hashed in Redis with a TTL', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/login', payload: `token=${f.token}&next=${encodeURIComponent('/pipelines/orders')}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/pipelines/orders');
    const [session, xsrf] = [setCookies(res).find((c) => c.startsWith('pipeline_session='))!, setCookies(res).find((c) => c.startsWith('XSRF-TOKEN='))!];
    expect(session).toMatch(/; Path=\/(;|$)/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).not.toMatch(/; Secure/);
    expect(xsrf).toMatch(/; Path=\/queues/);
    expect(xsrf).not.toMatch(/HttpOnly/);
    const id = /^pipeline_session=([^;]+)/.exec(session)![1]!;
    expect(id).not.toContain(f.token);
    const key = `{${f.keyPrefix}}:session:${createHash('sha256').update(id).digest('hex')}`;
    const ttl = await f.redis.pttl(key);
    expect(ttl).toBeGreaterThan(11 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(12 * 3600_000);
    expect(JSON.stringify(await f.redis.hgetall(key))).not.toContain(id);
  });

  it('sends only local paths as next: never another origin', async () => {
    for (const next of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', '/ok path']) {
      const res = await f.app.inject({ method: 'POST', url: '/login', payload: `token=${f.token}&next=${encodeURIComponent(next)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.headers.location, next).toBe('/');
    }
  });

  it('lets the session call the API, and logout ends it', async () => {
    const s = await signIn(f);
    expect((await f.app.inject({ method: 'GET', url: '/api/v1/pipelines', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    const out = await f.app.inject({ method: 'POST', url: '/logout', payload: `_csrf=${encodeURIComponent(s.csrf)}`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect(setCookies(out).find((c) => c.startsWith('pipeline_session='))).toMatch(/Expires=Thu, 01 Jan 1970/);
    const after = await f.app.inject({ method: 'GET', url: '/api/v1/pipelines', headers: { cookie: s.cookie } });
    expect(after.statusCode).toBe(401);
    expect((await f.app.inject({ method: 'GET', url: '/', headers: { cookie: s.cookie } })).headers.location).toBe('/login?next=%2F');
  });

  it('refuses a logout without the CSRF token and keeps the session', async () => {
    const s = await signIn(f);
    const res = await f.app.inject({ method: 'POST', url: '/logout', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(403);
    expect((await f.app.inject({ method: 'GET', url: '/api/v1/pipelines', headers: { cookie: s.cookie } })).statusCode).toBe(200);
  });

  it('ignores forged and unknown session cookies', async () => {
    for (const cookie of ['pipeline_session=', `pipeline_session=${f.token}`, `pipeline_session=${'A'.repeat(43)}`]) {
      expect((await f.app.inject({ method: 'GET', url: '/api/v1/pipelines', headers: { cookie } })).statusCode, cookie).toBe(401);
    }
  });

  it('sends browsers without a session from every page and bull-board to the sign-in form', async () => {
    const pages = registeredRoutes(f.app).filter((r) => r.page && r.method === 'GET').map((r) => r.url);
    expect(pages.sort()).toEqual(['/', '/pipelines/:id', '/runs/:runId']);
    for (const url of ['/', '/pipelines/orders', '/runs/orders.manual.x', '/queues', '/queues/queue/spark']) {
      const res = await f.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    const api = await f.app.inject({ method: 'GET', url: '/queues/api/queues' });
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('shows bull-board to a session, with its actions behind the CSRF token', async () => {
    const s = await signIn(f);
    const page = await f.app.inject({ method: 'GET', url: '/queues', headers: { cookie: s.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('__UI_CONFIG__');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
    const queues = await f.app.inject({ method: 'GET', url: '/queues/api/queues', headers: { cookie: s.cookie } });
    expect(queues.statusCode).toBe(200);
    expect((queues.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual(['spark', 'sql']);
    const pause = (headers: Record<string, string>) => f.app.inject({ method: 'PUT', url: '/queues/api/queues/sql/pause', headers: { cookie: s.cookie, ...headers } });
    expect((await pause({})).statusCode).toBe(403);
    expect((await pause({ 'x-xsrf-token': 'nope' })).statusCode).toBe(403);
    expect((await pause({ 'x-xsrf-token': s.csrf })).statusCode).toBe(200);
    expect(await f.redis.hget(`{${f.keyPrefix}}:sql:meta`, 'paused')).toBe('1');
  });

  it('keeps the OpenAPI document free of dashboard routes', async () => {
    const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    const paths = Object.keys(doc.paths);
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((p) => !p.startsWith('/api/v1/') && p !== '/health')).toEqual([]);
    expect(paths).not.toContain('/api/v1/events');
  });
});

describe('CSRF protection', () => {
  const f = useServerFixture();
  let s: SignedIn;
  beforeAll(async () => {
    s = await signIn(f);
  });

  const pause = (headers: Record<string, string>) => f.app.inject({ method: 'POST', url: '/api/v1/pipelines/orders/pause', headers });

  it('refuses a cookie-authenticated POST without the token or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [{}, { 'x-csrf-token': '' }, { 'x-csrf-token': `${s.csrf}x` }, { 'x-csrf-token': s.csrf.slice(0, -1) }];
    for (const headers of attempts) {
      const res = await pause({ cookie: s.cookie, ...headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json()).toMatchObject({ status: 403, title: 'Forbidden', code: 'E_CSRF' });
    }
    expect(await f.redis.sismember(`{${f.keyPrefix}}:paused`, 'orders')).toBe(0);
  });

  it('takes a cookie-authenticated POST with the right token from its own origin only', async () => {
    const foreign = await pause({ cookie: s.cookie, 'x-csrf-token': s.csrf, origin: 'http://evil.example' });
    expect(foreign.statusCode).toBe(403);
    const ok = await pause({ cookie: s.cookie, 'x-csrf-token': s.csrf, origin: 'http://localhost:80' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ id: 'orders', paused: true });
  });

  it('does not take another session\'s token', async () => {
    const other = await signIn(f);
    expect((await pause({ cookie: s.cookie, 'x-csrf-token': other.csrf })).statusCode).toBe(403);
  });

  it('needs no CSRF token with the bearer token', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/pipelines/orders/resume', headers: { authorization: `Bearer ${f.token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'orders', paused: false });
  });
});

describe('without a token (loopback only)', () => {
  const f = useServerFixture({ withoutToken: true });

  it('serves the dashboard without sign-in', async () => {
    expect((await f.app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    expect((await f.app.inject({ method: 'GET', url: '/login' })).headers.location).toBe('/');
  });

  it('refuses state changes from another origin, including a rebound DNS name', async () => {
    const post = (origin: string | undefined, host = 'localhost:8080') =>
      f.app.inject({ method: 'POST', url: '/api/v1/pipelines/orders/pause', headers: { host, ...(origin ? { origin } : {}) } });
    expect((await post('http://evil.example')).statusCode).toBe(403);
    expect((await post('http://evil.example:8080', 'evil.example:8080')).statusCode).toBe(403);
    expect((await post('null')).statusCode).toBe(403);
    expect((await post('http://localhost:8080')).statusCode).toBe(200);
    expect((await post(undefined)).statusCode).toBe(200);
  });
});

describe('cookies off loopback', () => {
  it('are Secure when the server says so', async () => {
    const f = await startServerFixture({ secureCookies: true });
    try {
      const res = await f.app.inject({ method: 'POST', url: '/login', payload: `token=${f.token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(setCookies(res).every((c) => /; Secure/.test(c))).toBe(true);
    } finally {
      await f.teardown();
    }
  });
});
