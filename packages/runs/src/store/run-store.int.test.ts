import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunConflictError } from '../errors/run-conflict-error.js';
import { RunNotFoundError } from '../errors/run-not-found-error.js';
import type { RunRecord } from '../model/run-record.js';
import { createRedisTestContext, type RedisTestContext } from '../testing/redis-test-context.js';
import { testRecord as record } from '../testing/test-record.js';
import { RunStore } from './run-store.js';

describe('RunStore', () => {
  let ctx: RedisTestContext;
  let store: RunStore;
  beforeEach(async () => {
    ctx = await createRedisTestContext();
    store = ctx.orchestrator.store;
  });
  afterEach(async () => ctx.teardown());

  it('creates a run exactly once under concurrent creates, with its indexes', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.create(record('orders.scheduled.x', { params: { writer: i } }))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect((await store.get('orders.scheduled.x'))?.params).toEqual({ writer: winner });
    expect(await ctx.redis.zcard(store.keys.runs('orders'))).toBe(1);
    expect(await store.activeCount('orders')).toBe(1);
  });

  it('creates many runs over several script calls, each on its own: one that existed is left as it was', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `orders.scheduled.m${i}`);
    const before = ids.filter((_, i) => i % 7 === 3);
    for (const id of before) await store.create(record(id, { params: { first: true } }));
    const batch = ids.map((id, i) => record(id, { params: { i }, ...(i % 5 === 0 ? { state: 'success' as const } : {}) }));
    const created = await store.createMany(batch);
    expect(created).toEqual(ids.map((id) => !before.includes(id)));
    const stored = await store.getMany(ids);
    expect(stored.map((r) => r.params)).toEqual(ids.map((id, i) => (before.includes(id) ? { first: true } : { i })));
    expect(await ctx.redis.zcard(store.keys.runs('orders'))).toBe(300);
    const finished = ids.filter((id, i) => i % 5 === 0 && !before.includes(id));
    expect(await store.activeCount('orders')).toBe(300 - finished.length);
    expect(await ctx.redis.xlen(store.keys.events)).toBe(300);
    expect(await store.countsByState()).toEqual(
      expect.arrayContaining([
        { pipelineId: 'orders', state: 'success', count: finished.length },
        { pipelineId: 'orders', state: 'queued', count: 300 - finished.length },
      ]),
    );
  });

  it('loses no update when many writers update the same run at once', async () => {
    await store.create(record('orders.scheduled.x'));
    const writers = 20;
    await Promise.all(
      Array.from({ length: writers }, (_, i) => store.update('orders.scheduled.x', (r) => ({ ...r, params: { ...r.params, [`w${i}`]: i } }))),
    );
    const stored = await store.require('orders.scheduled.x');
    expect(Object.keys(stored.params)).toHaveLength(writers);
    expect(stored.version).toBe(1 + writers);
  });

  it('stores the version as the last member, and compares versions of records stored in any member order', async () => {
    const id = 'orders.scheduled.x';
    const stored = async () => (await ctx.redis.get(store.keys.run(id)))!;
    await store.create(record(id));
    // Members added by a change (startedAt here) still come before the version.
    await store.update(id, (r) => ({ ...r, startedAt: '2026-01-02T00:06:00.000Z' }));
    expect(await stored()).toMatch(/,"version":2}$/);

    // A record whose version is not last, with a nested `version` at its end, is decoded: a
    // store that last wrote version 2 is refused against version 5, reads, and writes 6.
    const { version: _version, ...rest } = await store.require(id);
    await ctx.redis.set(store.keys.run(id), JSON.stringify({ version: 5, ...rest, note: { at: 1, version: 99 } }));
    const written = await store.update(id, (r) => ({ ...r, params: { by: 'first' } }));
    expect(written.version).toBe(6);
    expect(await stored()).toMatch(/,"version":6}$/);

    // Read off the end: another store's write makes this store's remembered version 6 stale.
    const other = new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix });
    await other.update(id, (r) => ({ ...r, params: { ...r.params, other: true } }));
    const last = await store.update(id, (r) => ({ ...r, params: { ...r.params, again: true } }));
    expect(last.version).toBe(8);
    expect(last.params).toEqual({ by: 'first', other: true, again: true });
  });

  it('sends the writes of one turn in one script call, each decided on its own', async () => {
    const ids = ['orders.scheduled.a', 'orders.scheduled.b', 'orders.scheduled.c', 'orders.scheduled.d'];
    for (const id of ids) await store.create(record(id));
    // b's remembered version goes stale; d ends, leaving the active set.
    await new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix }).update('orders.scheduled.b', (r) => ({ ...r, params: { other: true } }));
    const evalsha = vi.spyOn(ctx.redis, 'evalsha');
    const written = await Promise.all(
      ids.map((id) => store.update(id, (r) => ({ ...r, params: { ...r.params, mine: true }, ...(id.endsWith('d') ? { state: 'success' as const } : {}) }))),
    );
    const calls = evalsha.mock.calls.length;
    evalsha.mockRestore();
    // One call for the four writes, one more for b's retry after its fresh read (a GET).
    expect(calls).toBe(2);
    expect(written.map((r) => r.version)).toEqual([2, 3, 2, 2]);
    expect((await store.getMany(ids)).map((r) => r.params)).toEqual([{ mine: true }, { other: true, mine: true }, { mine: true }, { mine: true }]);
    expect((await store.activeRunIds('orders')).sort()).toEqual(ids.slice(0, 3));
    expect(await store.countsByState()).toEqual(
      expect.arrayContaining([
        { pipelineId: 'orders', state: 'queued', count: 3 },
        { pipelineId: 'orders', state: 'success', count: 1 },
      ]),
    );
  });

  it('sends writes of one turn that weigh more than 1 MiB together in separate calls', async () => {
    const ids = ['orders.scheduled.a', 'orders.scheduled.b', 'orders.scheduled.c'];
    for (const id of ids) await store.create(record(id));
    const large = 'x'.repeat(600 * 1024);
    const evalsha = vi.spyOn(ctx.redis, 'evalsha');
    const written = await Promise.all(ids.map((id, i) => store.update(id, (r) => ({ ...r, params: { note: i < 2 ? large : 'small' } }))));
    const calls = evalsha.mock.calls.length;
    evalsha.mockRestore();
    // a alone (b would take the call past 1 MiB), then b with c.
    expect(calls).toBe(2);
    expect(written.map((r) => r.version)).toEqual([2, 2, 2]);
    expect((await store.require('orders.scheduled.b')).params.note).toHaveLength(large.length);
  });

  it('fails only the write of a broken record among the writes of one turn', async () => {
    await store.create(record('orders.scheduled.good'));
    await store.create(record('orders.scheduled.broken'));
    await ctx.redis.set(store.keys.run('orders.scheduled.broken'), 'not a record');
    const evalsha = vi.spyOn(ctx.redis, 'evalsha');
    const [good, broken] = await Promise.allSettled([
      store.update('orders.scheduled.good', (r) => ({ ...r, params: { ok: true } })),
      // Remembered from its creation: the write goes out without reading the broken value first.
      store.update('orders.scheduled.broken', (r) => ({ ...r, params: { ok: true } })),
    ]);
    const calls = evalsha.mock.calls.length;
    evalsha.mockRestore();
    // The good write landed in the one call they shared (the broken one then fails to read).
    expect(calls).toBe(1);
    expect(good).toMatchObject({ status: 'fulfilled', value: { version: 2, params: { ok: true } } });
    expect(broken.status).toBe('rejected');
    expect(await ctx.redis.get(store.keys.run('orders.scheduled.broken'))).toBe('not a record');
  });

  it('finds the pipelines that have held runs, and forgets one once its last held run leaves', async () => {
    const at = new Date('2026-01-02T00:00:00Z');
    await store.hold('orders', 'orders.manual.a', at);
    await store.hold('orders', 'orders.manual.b', at);
    await store.hold('users', 'users.manual.a', at);
    expect((await store.heldPipelineIds()).sort()).toEqual(['orders', 'users']);
    await store.removeHeld('users', ['users.manual.a']);
    await store.removeHeld('orders', ['orders.manual.a']);
    expect(await store.heldPipelineIds()).toEqual(['orders']);
  });

  it('writes nothing when the update function returns its argument', async () => {
    await store.create(record('orders.scheduled.x'));
    const same = await store.update('orders.scheduled.x', (r) => r);
    expect(same.version).toBe(1);
    expect((await store.require('orders.scheduled.x')).version).toBe(1);
  });

  it('gives up with RunConflictError when the run keeps changing', async () => {
    await store.create(record('orders.scheduled.x'));
    const impatient = new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix, maxUpdateTries: 2 });
    const racing = impatient.update('orders.scheduled.x', (r) => {
      void ctx.redis.set(store.keys.run(r.runId), JSON.stringify({ ...r, version: r.version + 100 }));
      return { ...r, params: { lost: true } };
    });
    await expect(racing).rejects.toBeInstanceOf(RunConflictError);
  });

  describe('many writers of one run at once', () => {
    const id = 'orders.scheduled.x';
    /** An update function that, the first time it runs, has another writer get in first. */
    const losingOnce = (change: Record<string, unknown>) => {
      let calls = 0;
      return (r: RunRecord): RunRecord => {
        if (calls++ === 0) void ctx.redis.set(store.keys.run(r.runId), JSON.stringify({ ...r, version: r.version + 1 }));
        return { ...r, params: { ...r.params, ...change } };
      };
    };

    it('get every change in, taking turns under the update lock once they collide', async () => {
      await store.create(record(id));
      // Three tries each: retrying freely, all but a few would give up.
      const writers = Array.from({ length: 30 }, () => new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix, maxUpdateTries: 3 }));
      await Promise.all(writers.map((w, i) => w.update(id, (r) => ({ ...r, params: { ...r.params, [`w${i}`]: i } }))));
      const stored = await store.require(id);
      expect(stored.version).toBe(31);
      expect(Object.keys(stored.params)).toHaveLength(30);
      expect(await ctx.redis.exists(store.keys.updateLock(id))).toBe(0);
    });

    it('wait for a lock left by a writer that stopped until it lapses', async () => {
      await store.create(record(id));
      await ctx.redis.set(store.keys.updateLock(id), 'stopped-writer', 'PX', 300);
      const fresh = new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix });
      const started = Date.now();
      const written = await fresh.update(id, losingOnce({ after: 'lapse' }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(written.params).toEqual({ after: 'lapse' });
      expect(await ctx.redis.exists(store.keys.updateLock(id))).toBe(0);
    });

    it('give up with RunConflictError when the lock stays taken, and leave it to its holder', async () => {
      await store.create(record(id));
      await ctx.redis.set(store.keys.updateLock(id), 'busy-writer', 'PX', 10_000);
      const impatient = new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix, updateLockWaitMs: 200 });
      const refused = impatient.update(id, losingOnce({ lost: true }));
      await expect(refused).rejects.toBeInstanceOf(RunConflictError);
      await expect(refused).rejects.toThrow(/being updated by other writers/);
      expect(await ctx.redis.get(store.keys.updateLock(id))).toBe('busy-writer');
    });

    it('give the lock back when the update function throws under it', async () => {
      await store.create(record(id));
      const fresh = new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix });
      let calls = 0;
      const failing = fresh.update(id, (r) => {
        if (calls++ === 0) return losingOnce({})(r);
        throw new Error('refused');
      });
      await expect(failing).rejects.toThrow('refused');
      expect(calls).toBe(2);
      expect(await ctx.redis.exists(store.keys.updateLock(id))).toBe(0);
    });
  });

  it('writes from the record it wrote last without reading, and still loses nothing another process wrote', async () => {
    const id = 'orders.scheduled.x';
    const other = new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix });
    await store.create(record(id));
    const gets: string[] = [];
    const spy = new Proxy(ctx.redis, {
      get(target, prop, receiver) {
        if (prop === 'get') return (key: string) => (gets.push(key), target.get(key));
        return Reflect.get(target, prop, receiver);
      },
    });
    const reading = new RunStore(spy, { keyPrefix: ctx.keyPrefix });
    await reading.create(record('orders.scheduled.y'));
    await reading.update('orders.scheduled.y', (r) => ({ ...r, params: { a: 1 } }));
    await reading.update('orders.scheduled.y', (r) => ({ ...r, params: { ...r.params, b: 2 } }));
    expect(gets).toEqual([]);
    expect((await store.require('orders.scheduled.y')).params).toEqual({ a: 1, b: 2 });

    // Another process writes in between: the remembered record is stale, the write is refused, and the update runs again on a fresh read.
    await store.update(id, (r) => ({ ...r, params: { mine: 1 } }));
    await other.update(id, (r) => ({ ...r, params: { ...r.params, theirs: 1 } }));
    await store.update(id, (r) => ({ ...r, params: { ...r.params, mine: 2 } }));
    expect((await store.require(id)).params).toEqual({ mine: 2, theirs: 1 });
    expect((await store.require(id)).version).toBe(4);
  });

  it('decides again on a fresh read what the remembered record made it refuse or leave alone', async () => {
    const id = 'orders.scheduled.x';
    const other = new RunStore(ctx.redis, { keyPrefix: ctx.keyPrefix });
    await store.create(record(id));
    await other.update(id, (r) => ({ ...r, params: { ready: true } }));
    // Remembered: no `ready`, so this would throw on it; the stored run has it.
    const done = await store.update(id, (r) => {
      if (!r.params.ready) throw new Error('not ready');
      return { ...r, params: { ...r.params, used: true } };
    });
    expect(done.params).toEqual({ ready: true, used: true });
    // Remembered says nothing to do; the stored run says otherwise.
    await other.update(id, (r) => ({ ...r, params: { ...r.params, again: true } }));
    const seen = await store.update(id, (r) => (r.params.again ? { ...r, params: { ...r.params, again: false } } : r));
    expect(seen.params.again).toBe(false);
  });

  it('refuses to update a run that does not exist', async () => {
    await expect(store.update('orders.manual.nothing', (r) => r)).rejects.toBeInstanceOf(RunNotFoundError);
  });

  it('leaves the active set when the run finishes', async () => {
    await store.create(record('orders.scheduled.x'));
    await store.update('orders.scheduled.x', (r) => ({ ...r, state: 'success' }));
    expect(await store.activeCount('orders')).toBe(0);
    await store.update('orders.scheduled.x', (r) => ({ ...r, state: 'queued' }));
    expect(await store.activeRunIds('orders')).toEqual(['orders.scheduled.x']);
  });

  it('lists runs newest interval first, page by page', async () => {
    for (const day of ['01', '02', '03']) {
      await store.create(record(`orders.scheduled.${day}`, { intervalStart: `2026-01-${day}T00:00:00.000Z` }));
    }
    expect((await store.list('orders')).map((r) => r.runId)).toEqual(['orders.scheduled.03', 'orders.scheduled.02', 'orders.scheduled.01']);
    const page = await store.list('orders', { limit: 2, before: new Date('2026-01-03T00:00:00Z') });
    expect(page.map((r) => r.runId)).toEqual(['orders.scheduled.02', 'orders.scheduled.01']);
  });

  it('persists pause state and scheduling progress', async () => {
    expect(await store.isPaused('orders')).toBe(false);
    await store.pause('orders');
    expect(await store.isPaused('orders')).toBe(true);
    expect(await store.pausedPipelines()).toEqual(['orders']);
    await store.resume('orders');
    expect(await store.isPaused('orders')).toBe(false);
    expect(await store.lastScheduledEnd('orders')).toBeNull();
    await store.setLastScheduledEnd('orders', '2026-01-02T00:00:00.000Z');
    expect(await store.lastScheduledEnd('orders')).toBe('2026-01-02T00:00:00.000Z');
  });

  it('prunes finished runs created before the cutoff, never active ones', async () => {
    await store.create(record('orders.scheduled.old-done', { state: 'success', createdAt: '2026-01-01T00:00:00.000Z' }));
    await store.create(record('orders.scheduled.old-active', { createdAt: '2026-01-01T00:00:00.000Z' }));
    await store.create(record('orders.scheduled.new-done', { state: 'failed', createdAt: '2026-03-01T00:00:00.000Z' }));
    expect(await store.prune(new Date('2026-02-01T00:00:00Z'))).toBe(1);
    expect(await store.get('orders.scheduled.old-done')).toBeNull();
    expect(await store.get('orders.scheduled.old-active')).not.toBeNull();
    expect(await store.get('orders.scheduled.new-done')).not.toBeNull();
    expect(await ctx.redis.zrange(store.keys.runs('orders'), 0, -1)).not.toContain('orders.scheduled.old-done');
  });
});
