import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postgresDialect } from '@pipeline/sql';
import { PostgresWarehouse } from './postgres-warehouse.js';
import { WarehouseError } from './warehouse-error.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `wh_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: url });
let warehouse: PostgresWarehouse;

const s = (sql: string, params: unknown[] = []) => ({ sql, params });

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE TABLE ${schema}.t (id int PRIMARY KEY, v text)`);
  warehouse = new PostgresWarehouse({ dialect: postgresDialect, connectionString: async () => url, retryBaseMs: 10 });
});

afterAll(async () => {
  await warehouse?.close();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

describe('PostgresWarehouse', () => {
  it('binds values and returns rows', async () => {
    const rows = await warehouse.query<{ v: string }>(s('SELECT $1::text AS v', ["it's; DROP TABLE x --"]));
    expect(rows).toEqual([{ v: "it's; DROP TABLE x --" }]);
  });

  it('commits a transaction and reports each statement count', async () => {
    const counts = await warehouse.transaction([
      s('BEGIN'),
      s(`INSERT INTO ${schema}.t VALUES ($1, $2), ($3, $4)`, [1, 'a', 2, 'b']),
      s(`UPDATE ${schema}.t SET v = upper(v)`),
      s('COMMIT'),
    ]);
    expect(counts).toEqual([null, 2, 2, null]);
    expect((await admin.query(`SELECT id, v FROM ${schema}.t ORDER BY id`)).rows).toEqual([{ id: 1, v: 'A' }, { id: 2, v: 'B' }]);
  });

  it('rolls everything back when a statement fails, and says which', async () => {
    const before = (await admin.query(`SELECT id, v FROM ${schema}.t ORDER BY id`)).rows;
    const attempt = warehouse.transaction([s('BEGIN'), s(`DELETE FROM ${schema}.t`), s(`INSERT INTO ${schema}.t VALUES (1, 'dup'), (1, 'dup')`), s('COMMIT')]);
    await expect(attempt).rejects.toBeInstanceOf(WarehouseError);
    await expect(attempt).rejects.toThrow(/23505.*INSERT INTO/s);
    expect((await admin.query(`SELECT id, v FROM ${schema}.t ORDER BY id`)).rows).toEqual(before);
  });

  it('retries a transaction that hits a serialization failure', async () => {
    // Sequences are not rolled back, so the function can tell its first call from the retry.
    await admin.query(`CREATE SEQUENCE ${schema}.attempts`);
    await admin.query(
      `CREATE FUNCTION ${schema}.conflict_once() RETURNS void LANGUAGE plpgsql AS $$
       BEGIN
         IF nextval('${schema}.attempts') = 1 THEN
           RAISE EXCEPTION 'simulated conflict' USING ERRCODE = '40001';
         END IF;
       END $$`,
    );
    const counts = await warehouse.transaction([
      s('BEGIN'),
      s(`INSERT INTO ${schema}.t VALUES (10, 'x')`),
      s(`SELECT ${schema}.conflict_once()`),
      s('COMMIT'),
    ]);
    expect(counts).toHaveLength(4);
    expect((await admin.query(`SELECT last_value::int AS n FROM ${schema}.attempts`)).rows).toEqual([{ n: 2 }]);
    expect((await admin.query(`SELECT v FROM ${schema}.t WHERE id = 10`)).rows).toEqual([{ v: 'x' }]);
  });

  it('gives up on a conflict that keeps happening', async () => {
    const strict = new PostgresWarehouse({ dialect: postgresDialect, connectionString: async () => url, retryBaseMs: 1, transactionAttempts: 3 });
    const always = s(`DO $$ BEGIN RAISE EXCEPTION 'always' USING ERRCODE = '40001'; END $$`);
    await expect(strict.transaction([s('BEGIN'), always, s('COMMIT')])).rejects.toMatchObject({ sqlState: '40001', retryable: true });
    await strict.close();
  });

  it('streams COPY FROM STDIN and counts rows', async () => {
    await admin.query(`CREATE TABLE ${schema}.c (id int, v text)`);
    const rows = await warehouse.copyFromStdin(s(`COPY ${schema}.c (id, v) FROM STDIN WITH (FORMAT csv)`), Readable.from(['1,"a,b"\n2,\n3,""\n']));
    expect(rows).toBe(3);
    expect((await admin.query(`SELECT id, v FROM ${schema}.c ORDER BY id`)).rows).toEqual([{ id: 1, v: 'a,b' }, { id: 2, v: null }, { id: 3, v: '' }]);
  });

  it('cancels a running statement on the server when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    // A comment of its own, so that no other test's statement is counted.
    const sql = `SELECT pg_sleep(30) /* cancel-${randomBytes(4).toString('hex')} */`;
    const running = warehouse.query(s(sql), { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(running).rejects.toMatchObject({ cancelled: true });
    expect(Date.now() - started).toBeLessThan(10_000);
    // pg_stat_activity reports the backend's state a moment after the client saw the cancel.
    await vi.waitFor(
      async () => {
        const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'active'`, [sql]);
        expect(rows[0].n).toBe(0);
      },
      { timeout: 5_000, interval: 100 },
    );
  });
});
