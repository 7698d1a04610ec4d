import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerFixture, type ServerFixture } from './test-support/server-fixture.js';

interface Case {
  name: string;
  url: string;
  body?: unknown;
  raw?: string;
  method?: 'GET' | 'POST';
  /** The problem's detail must contain this. */
  says: string;
  path?: string;
}

const TRIGGER = '/api/v1/pipelines/orders/runs';
const BACKFILL = '/api/v1/pipelines/orders/backfill';

const CASES: Case[] = [
  { name: 'a date that is not one', url: TRIGGER, body: { interval: { start: 'yesterday', end: '2026-01-02' } }, says: 'interval.start "yesterday" is not a date: use YYYY-MM-DD', path: 'body.interval' },
  { name: 'an impossible calendar date', url: TRIGGER, body: { interval: { start: '2026-02-30', end: '2026-03-02' } }, says: 'interval.start "2026-02-30" is not a valid calendar date' },
  { name: 'a timestamp without a zone', url: TRIGGER, body: { interval: { start: '2026-01-01T00:00:00', end: '2026-01-02' } }, says: 'interval.start "2026-01-01T00:00:00" is not a date' },
  { name: 'a reversed interval', url: TRIGGER, body: { interval: { start: '2026-01-02', end: '2026-01-01' } }, says: 'interval.start (2026-01-02T00:00:00.000Z) must be before interval.end (2026-01-01T00:00:00.000Z)' },
  { name: 'an interval missing its end', url: TRIGGER, body: { interval: { start: '2026-01-02' } }, says: 'body.interval.end', path: 'body.interval.end' },
  { name: 'interval with fullRefresh', url: TRIGGER, body: { interval: { start: '2026-01-01', end: '2026-01-02' }, fullRefresh: true }, says: 'fullRefresh reads the whole source: leave out interval', path: 'body.fullRefresh' },
  { name: 'a param of the wrong type', url: TRIGGER, body: { params: { region: ['eu'] } }, says: 'body.params.region', path: 'body.params.region' },
  { name: 'a nested param', url: TRIGGER, body: { params: { region: { name: 'eu' } } }, says: 'body.params.region' },
  { name: 'a param name that is not one', url: TRIGGER, body: { params: { 'bad-name': 1 } }, says: 'params name "bad-name" must be made of letters, digits and _' },
  { name: 'an unknown field', url: TRIGGER, body: { intervall: {} }, says: 'intervall' },
  { name: 'fullRefresh that is not a boolean', url: TRIGGER, body: { fullRefresh: 'yes' }, says: 'body.fullRefresh' },
  { name: 'a body that is not JSON', url: TRIGGER, raw: '{"interval":', says: 'JSON' },
  { name: 'a backfill without to', url: BACKFILL, body: { from: '2026-01-01' }, says: 'body.to' },
  { name: 'a backfill with a bad date', url: BACKFILL, body: { from: '2026-01-01', to: '2026-13-01' }, says: 'to "2026-13-01" is not a valid calendar date' },
  { name: 'a reversed backfill', url: BACKFILL, body: { from: '2026-01-05', to: '2026-01-01' }, says: 'from (2026-01-05T00:00:00.000Z) must be before to (2026-01-01T00:00:00.000Z)' },
  { name: 'an unknown reprocess', url: BACKFILL, body: { from: '2026-01-01', to: '2026-01-02', reprocess: 'some' }, says: 'body.reprocess', path: 'body.reprocess' },
  { name: 'an unknown backfill field', url: BACKFILL, body: { from: '2026-01-01', to: '2026-01-02', force: true }, says: 'force' },
  { name: 'a limit that is not a number', method: 'GET', url: `${TRIGGER}?limit=many`, says: 'querystring.limit' },
  { name: 'a limit out of range', method: 'GET', url: `${TRIGGER}?limit=0`, says: 'querystring.limit' },
  { name: 'a before that is not a date', method: 'GET', url: `${TRIGGER}?before=later`, says: 'before "later" is not a date' },
  { name: 'an unknown phase', method: 'GET', url: '/api/v1/runs/orders-manual-x/phases/a/spark/log', says: 'params.phase' },
  { name: 'a malformed run id', method: 'GET', url: '/api/v1/runs/NOT%20A%20RUN', says: 'params.runId' },
];

describe('request validation', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startServerFixture();
  });
  afterAll(async () => f.teardown());

  it.each(CASES)('400 for $name', async ({ url, body, raw, method, says, path }) => {
    const res = await f.app.inject({
      method: method ?? 'POST',
      url,
      headers: { authorization: `Bearer ${f.token}`, ...(raw === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(raw !== undefined ? { payload: raw } : body !== undefined ? { payload: body as object } : {}),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request', instance: url.split('?')[0] });
    expect(problem.detail).toContain(says);
    if (path) expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(res.body).not.toMatch(/stack|node_modules|\bat .*\.(js|ts):\d+/);
    // Nothing was created by a refused request.
    expect(await f.store.list('orders')).toEqual([]);
  });
});
