import { createLogger, DEFAULTS } from '@pipeline/core';
import { freePort } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { buildServer } from './build-server.js';
import { startServer } from './start-server.js';
import { useServerFixture } from './test-support/server-fixture.js';

describe('the served API', () => {
  const f = useServerFixture();

  it('publishes an OpenAPI 3 document of every API route, with the bearer scheme and the run view', async () => {
    const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/pipelines',
      '/api/v1/pipelines/{id}',
      '/api/v1/pipelines/{id}/backfill',
      '/api/v1/pipelines/{id}/pause',
      '/api/v1/pipelines/{id}/resume',
      '/api/v1/pipelines/{id}/runs',
      '/api/v1/runs/{runId}',
      '/api/v1/runs/{runId}/cancel',
      '/api/v1/runs/{runId}/phases/{loadId}/{phase}/log',
      '/api/v1/runs/{runId}/retry',
      '/health',
    ]);
    expect(doc.paths['/health'].get.security).toEqual([]);
    const run = doc.paths['/api/v1/runs/{runId}'].get.responses['200'].content['application/json'].schema;
    expect(run.properties.phases.items.properties).toHaveProperty('logUri');
    const trigger = doc.paths['/api/v1/pipelines/{id}/runs'].post.requestBody.content['application/json'].schema;
    expect(trigger.properties).toHaveProperty('interval');
    expect(JSON.stringify(doc)).toContain('"none","failed","all"');
  });

  it('answers 500 with a generic problem and logs the cause when Redis fails mid-request', async () => {
    // Nothing listens on this port: every command fails the way a lost Redis makes it fail.
    const broken = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    broken.on('error', () => undefined);
    const app = await buildServer({ config: f.config, redis: broken, keyPrefix: f.keyPrefix, logger: f.logger, token: f.token });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/pipelines', headers: { authorization: `Bearer ${f.token}` } });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'the request failed unexpectedly; the server log has the details', instance: '/api/v1/pipelines' });
      expect(f.logText()).toContain('request failed');
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toEqual({ status: 'unavailable', redis: 'unavailable' });
    } finally {
      await app.close();
      broken.disconnect();
    }
  });

  it('listens on a real port and serves over HTTP', async () => {
    const server = await startServer({ config: f.config, redis: f.redis, keyPrefix: f.keyPrefix, logger: f.logger, token: f.token, host: '127.0.0.1', port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const refused = await fetch(`${server.url}/api/v1/pipelines`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      const listed = await fetch(`${server.url}/api/v1/pipelines`, { headers: { authorization: `Bearer ${f.token}` } });
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { id: string }[]).map((p) => p.id)).toEqual(['orders']);
    } finally {
      await server.close();
    }
  });

  it('refuses to listen beyond loopback without a token, and serves loopback without auth', async () => {
    const base = { config: { ...DEFAULTS, pipelinesDir: f.config.pipelinesDir }, redis: f.redis, keyPrefix: f.keyPrefix, logger: createLogger({ level: 'silent' }), port: 0 };
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'api.example.com']) {
      await expect(startServer({ ...base, host })).rejects.toMatchObject({ code: 'E_API_TOKEN_REQUIRED', message: expect.stringContaining('set PIPELINE_API_TOKEN') });
    }
    const open = await startServer({ ...base, host: '127.0.0.1' });
    try {
      expect((await fetch(`${open.url}/api/v1/pipelines`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
