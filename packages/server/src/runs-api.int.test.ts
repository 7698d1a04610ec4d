import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunView } from '@pipeline/runs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerFixture, type ServerFixture } from './test-support/server-fixture.js';

const NOW = new Date('2026-02-01T12:00:00Z');

describe('runs and pipelines over HTTP', () => {
  let f: ServerFixture;
  let auth: { authorization: string };
  const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    f.app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

  beforeAll(async () => {
    f = await startServerFixture({ now: () => NOW });
    auth = { authorization: `Bearer ${f.token}` };
  });
  afterAll(async () => f.teardown());

  it('lists pipelines with their schedule, next fire, pause flag and loads; one by id; 404 for an unknown id', async () => {
    const list = await call('GET', '/api/v1/pipelines');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([
      {
        id: 'orders',
        description: 'orders from the shop',
        schedule: { cron: '0 2 * * *', timezone: 'UTC', catchup: false, maxActiveRuns: 2 },
        paused: false,
        nextRunAt: '2026-02-02T02:00:00.000Z',
        lastRun: null,
        activeRuns: 0,
        heldRuns: 0,
        loads: ['a', 'b'],
      },
    ]);
    expect((await call('GET', '/api/v1/pipelines/orders')).json()).toMatchObject({ id: 'orders' });
    const missing = await call('GET', '/api/v1/pipelines/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ status: 404, code: 'E_PIPELINE_NOT_FOUND', instance: '/api/v1/pipelines/nope' });
    expect(missing.json().detail).toContain('known: orders');
  });

  it('trigger creates a run the history shows; cancel and retry change it there', async () => {
    const created = await call('POST', '/api/v1/pipelines/orders/runs', { interval: { start: '2026-01-05', end: '2026-01-06' }, params: { region: 'eu', limit: 10, dry: true } });
    expect(created.statusCode).toBe(201);
    const run = created.json() as RunView;
    expect(created.headers.location).toBe(`/api/v1/runs/${run.runId}`);
    expect(run).toMatchObject({ pipelineId: 'orders', trigger: 'manual', state: 'queued', intervalStart: '2026-01-05T00:00:00.000Z', intervalEnd: '2026-01-06T00:00:00.000Z', params: { region: 'eu', limit: 10, dry: true } });
    expect(run.phases.map((p) => `${p.loadId}/${p.name}`)).toContain('b/merge');

    const history = (await call('GET', '/api/v1/pipelines/orders/runs')).json() as RunView[];
    expect(history.map((r) => r.runId)).toContain(run.runId);
    expect((await call('GET', `/api/v1/runs/${run.runId}`)).json()).toEqual(run);
    expect((await call('GET', '/api/v1/pipelines')).json()[0].lastRun).toMatchObject({ runId: run.runId, state: 'queued' });

    const retryQueued = await call('POST', `/api/v1/runs/${run.runId}/retry`);
    expect(retryQueued.statusCode).toBe(409);
    expect(retryQueued.json()).toMatchObject({ code: 'E_RUN_STATE' });

    const cancelled = await call('POST', `/api/v1/runs/${run.runId}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().state).toBe('cancelled');
    const afterCancel = (await call('GET', '/api/v1/pipelines/orders/runs')).json() as RunView[];
    expect(afterCancel.find((r) => r.runId === run.runId)?.state).toBe('cancelled');

    const before = await f.store.require(run.runId);
    const retried = await call('POST', `/api/v1/runs/${run.runId}/retry`);
    expect(retried.statusCode).toBe(200);
    expect(retried.json().state).toBe('queued');
    const stored = await f.store.require(run.runId);
    expect(stored.state).toBe('queued');
    const first = (r: typeof stored) => r.phases.find((p) => p.loadId === 'a' && p.phase === 'extract-transform')!;
    expect(first(stored).generation).toBe(first(before).generation + 1);
    expect(first(stored).state).toBe('queued');
  });

  it('a trigger without a body creates a run without an interval', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/pipelines/orders/runs', headers: auth });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ intervalStart: null, params: {} });
    await call('POST', `/api/v1/runs/${res.json().runId}/cancel`);
  });

  it('pages the history with limit and before', async () => {
    const all = (await call('GET', '/api/v1/pipelines/orders/runs?limit=1')).json() as RunView[];
    expect(all).toHaveLength(1);
    const older = (await call('GET', '/api/v1/pipelines/orders/runs?before=2026-01-06')).json() as RunView[];
    expect(older.every((r) => r.intervalStart !== null && r.intervalStart < '2026-01-06')).toBe(true);
  });

  it('404 for an unknown run, 400 for a malformed run id', async () => {
    const missing = await call('GET', '/api/v1/runs/orders-manual-nothing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'E_RUN_NOT_FOUND' });
    expect((await call('POST', '/api/v1/runs/Bad%20Id/cancel')).statusCode).toBe(400);
  });

  it('backfill queues the scheduled intervals of the range and reports them', async () => {
    const res = await call('POST', '/api/v1/pipelines/orders/backfill', { from: '2026-01-10', to: '2026-01-13T00:00:00Z' });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.pipelineId).toBe('orders');
    expect(body.queued.map((q: { start: string; action: string }) => `${q.start} ${q.action}`)).toEqual([
      '2026-01-10T02:00:00.000Z create',
      '2026-01-11T02:00:00.000Z create',
      '2026-01-12T02:00:00.000Z create',
    ]);
    expect(body.skipped).toEqual([]);
    expect(await f.redis.zcard(`{${f.keyPrefix}}:backfill:orders`)).toBe(3);
  });

  it('pause and resume flip the flag the pipelines list shows', async () => {
    expect((await call('POST', '/api/v1/pipelines/orders/pause')).json()).toEqual({ id: 'orders', paused: true });
    expect((await call('GET', '/api/v1/pipelines')).json()[0]).toMatchObject({ paused: true, nextRunAt: null });
    expect((await call('POST', '/api/v1/pipelines/orders/resume')).json()).toEqual({ id: 'orders', paused: false });
    expect((await call('GET', '/api/v1/pipelines')).json()[0]).toMatchObject({ paused: false });
    expect((await call('POST', '/api/v1/pipelines/nope/pause')).statusCode).toBe(404);
  });

  it("returns the tail of a local Spark phase's log, and 404 with a reason when there is none", async () => {
    const run = (await call('POST', '/api/v1/pipelines/orders/runs', {})).json() as RunView;
    const url = (loadId: string, phase: string, query = '') => `/api/v1/runs/${run.runId}/phases/${loadId}/${phase}/log${query}`;
    const missing = await call('GET', url('a', 'extract-transform'));
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toMatch(/no log for phase a\/extract-transform/);

    const dir = path.join(f.config.tempDir, 'runs', run.runId, 'a');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'spark.log'), Array.from({ length: 300 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    const tail = await call('GET', url('a', 'extract-transform', '?lines=3'));
    expect(tail.statusCode).toBe(200);
    expect(tail.json()).toEqual({ runId: run.runId, loadId: 'a', phase: 'extract-transform', lines: ['line 298', 'line 299', 'line 300'] });
    expect((await call('GET', url('a', 'extract-transform'))).json().lines).toHaveLength(200);

    const sql = await call('GET', url('a', 'merge'));
    expect(sql.statusCode).toBe(404);
    expect(sql.json().detail).toMatch(/keeps no log file/);
    expect((await call('GET', url('zz', 'extract-transform'))).json().detail).toMatch(/has no phase zz\/extract-transform/);
    expect((await call('GET', url('a', 'nonsense'))).statusCode).toBe(400);
    await call('POST', `/api/v1/runs/${run.runId}/cancel`);
  });
});
