import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareStreamIds } from '@pipeline/runs';
import { startServerFixture, type ServerFixture } from './test-support/server-fixture.js';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert(2)">'&`;

/** Reads a Server-Sent Events response until `done` says the events so far are enough. */
async function readEvents(res: Response, done: (events: { id: string; data: Record<string, unknown> }[]) => boolean, timeoutMs = 10_000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { id: string; data: Record<string, unknown> }[] = [];
  let text = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!done(events)) {
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = text.indexOf('\n\n')) !== -1) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const id = /^id: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (id && data) events.push({ id, data: JSON.parse(data) });
      }
    }
  } finally {
    await reader.cancel();
  }
  return events;
}

describe('dashboard pages and live events', () => {
  let f: ServerFixture;
  let base: string;
  const bearer = () => ({ authorization: `Bearer ${f.token}` });

  beforeAll(async () => {
    f = await startServerFixture();
    await writeFile(
      path.join(f.config.pipelinesDir, 'hostile.yaml'),
      `id: hostile\ndescription: ${JSON.stringify(HOSTILE)}\nloads:\n  - id: a\n    source: { table: public.a_raw }\n    target: { table: analytics.a, key: [id] }\n`,
    );
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const address = f.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => f.teardown());

  it('escapes a hostile description and hostile params in the pages', async () => {
    const page = await f.app.inject({ method: 'GET', url: '/pipelines/hostile', headers: bearer() });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;&#39;&amp;');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');

    const created = await f.app.inject({ method: 'POST', url: '/api/v1/pipelines/hostile/runs', headers: bearer(), payload: { params: { note: HOSTILE } } });
    expect(created.statusCode).toBe(201);
    const runId = (created.json() as { runId: string }).runId;
    const run = await f.app.inject({ method: 'GET', url: `/runs/${runId}`, headers: bearer() });
    expect(run.statusCode).toBe(200);
    expect(run.body).toContain('<th>note</th><td>&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(run.body).not.toContain('<script>alert');
    expect(run.body.match(/<script/g)).toHaveLength(1);
    expect(run.body).toContain('<script type="module" src="/ui/assets/run.js"></script>');
  });

  it("shows a run held for a run slot as held, the API saying held: true", async () => {
    await writeFile(
      path.join(f.config.pipelinesDir, 'solo.yaml'),
      `id: solo\nschedule: { cron: "0 2 * * *", maxActiveRuns: 1 }\nloads:\n  - id: a\n    source: { table: public.a_raw }\n    target: { table: analytics.a, key: [id] }\n`,
    );
    const trigger = async () => (await f.app.inject({ method: 'POST', url: '/api/v1/pipelines/solo/runs', headers: bearer(), payload: {} })).json() as { runId: string; state: string; held: boolean };
    const [first, second] = [await trigger(), await trigger()];
    expect([first, second].map((r) => [r.state, r.held])).toEqual([
      ['queued', false],
      ['queued', true],
    ]);
    const page = await f.app.inject({ method: 'GET', url: `/runs/${second.runId}`, headers: bearer() });
    expect(page.body).toMatch(/<span id="run-state" class="badge state-queued" title="queued, waiting for a run slot[^"]*">held<\/span>/);
    const running = await f.app.inject({ method: 'GET', url: `/runs/${first.runId}`, headers: bearer() });
    expect(running.body).toContain('<span id="run-state" class="badge state-queued">queued</span>');
    const summary = await f.app.inject({ method: 'GET', url: '/api/v1/pipelines/solo', headers: bearer() });
    expect(summary.json()).toMatchObject({ activeRuns: 1, heldRuns: 1, schedule: { maxActiveRuns: 1 } });
  });

  it('answers unknown pipelines and runs with a 404 page', async () => {
    const pipeline = await f.app.inject({ method: 'GET', url: '/pipelines/%3Cb%3Enope', headers: bearer() });
    expect(pipeline.statusCode).toBe(404);
    expect(pipeline.body).toContain('no pipeline &quot;&lt;b&gt;nope&quot;');
    const run = await f.app.inject({ method: 'GET', url: '/runs/orders.manual.nope', headers: bearer() });
    expect(run.statusCode).toBe(404);
    expect((await f.app.inject({ method: 'GET', url: '/runs/NOT%20A%20RUN', headers: bearer() })).statusCode).toBe(404);
  });

  it('serves the assets by name only', async () => {
    const js = await f.app.inject({ method: 'GET', url: '/ui/assets/common.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect((await f.app.inject({ method: 'GET', url: '/ui/assets/dashboard.css' })).headers['content-type']).toMatch(/^text\/css/);
    expect((await f.app.inject({ method: 'GET', url: '/ui/assets/..%2Fpackage.json', headers: bearer() })).statusCode).toBe(404);
  });

  it('streams the events the store writes, and replays what a client missed after Last-Event-ID', async () => {
    expect((await fetch(`${base}/api/v1/events`)).status).toBe(401);
    const res = await fetch(`${base}/api/v1/events`, { headers: bearer() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const created = await fetch(`${base}/api/v1/pipelines/orders/runs`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: '{}' });
    const runId = ((await created.json()) as { runId: string }).runId;
    const live = await readEvents(res, (events) => events.some((e) => e.data.runId === runId));
    const first = live.find((e) => e.data.runId === runId)!;
    expect(first.data).toMatchObject({ type: 'run', runId, pipelineId: 'orders', from: null, to: 'queued' });

    const cancelled = await fetch(`${base}/api/v1/runs/${runId}/cancel`, { method: 'POST', headers: bearer() });
    expect(cancelled.status).toBe(200);
    const resumed = await fetch(`${base}/api/v1/events`, { headers: { ...bearer(), 'last-event-id': first.id } });
    const missed = await readEvents(resumed, (events) => events.some((e) => e.data.type === 'run' && e.data.to === 'cancelled'));
    expect(missed.every((e) => compareStreamIds(e.id, first.id) > 0)).toBe(true);
    expect(missed.map((e) => e.data.runId)).toContain(runId);
    expect(missed.filter((e) => e.data.type === 'run').map((e) => e.data.to)).toEqual(['cancelled']);
  });

  it('ends the streams of a session that logs out', async () => {
    const login = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${f.token}` });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('pipeline_session='))!.split(';')[0]!;
    const page = await (await fetch(`${base}/`, { headers: { cookie } })).text();
    const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page)![1]!;
    const stream = await fetch(`${base}/api/v1/events`, { headers: { cookie } });
    expect(stream.status).toBe(200);
    const out = await fetch(`${base}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBe(303);
    const reader = stream.body!.getReader();
    let ended = false;
    for (let i = 0; i < 10 && !ended; i++) ended = (await reader.read()).done;
    expect(ended).toBe(true);
  });
});

describe('closing the server', () => {
  it('ends open event streams, so that close does not wait for them', async () => {
    const f = await startServerFixture();
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const address = f.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const stream = await fetch(`http://127.0.0.1:${port}/api/v1/events`, { headers: { authorization: `Bearer ${f.token}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read();
    // Teardown closes the server first; it would wait for the stream forever if the stream stayed open.
    const closed = f.teardown().then(() => 'closed');
    const timeout = new Promise((resolve) => setTimeout(resolve, 5_000, 'timed out').unref());
    expect(await Promise.race([closed, timeout])).toBe('closed');
    let ended = false;
    for (let i = 0; i < 10 && !ended; i++) ended = (await reader.read()).done;
    expect(ended).toBe(true);
  });
});
