import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postgresDialect, type Statement } from '@pipeline/sql';
import { createIfMissing } from './create-if-missing.js';
import { PostgresWarehouse } from './postgres-warehouse.js';
import { WarehouseError } from './warehouse-error.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `cim_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: url });
/** One warehouse per would-be worker, each with its own connections. */
let warehouses: PostgresWarehouse[] = [];

const s = (sql: string): Statement => ({ sql, params: [] });

beforeAll(async () => {
  await admin.connect();
  warehouses = Array.from({ length: 6 }, () => new PostgresWarehouse({ dialect: postgresDialect, connectionString: async () => url }));
  // Open every pool's connection up front, so that the creates below start together.
  await Promise.all(warehouses.map((w) => w.query(s('SELECT 1'))));
});

afterAll(async () => {
  await Promise.all(warehouses.map((w) => w.close()));
  const { rows } = await admin.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [`${prefix}%`]);
  for (const { nspname } of rows) await admin.query(`DROP SCHEMA "${nspname}" CASCADE`);
  await admin.end();
});

describe('createIfMissing', () => {
  it('creates a schema and table that several sessions create at the same moment, failing none', async () => {
    for (let round = 0; round < 10; round += 1) {
      const schema = `${prefix}_${round}`;
      const ddl = [s(`CREATE SCHEMA IF NOT EXISTS "${schema}"`), s(`CREATE TABLE IF NOT EXISTS "${schema}"."t" (id int, v text)`)];
      const results = await Promise.allSettled(warehouses.map((w) => createIfMissing(w, ddl)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const { rowCount } = await admin.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, 't']);
      expect(rowCount).toBe(1);
    }
  });

  it('passes on an error that a retry does not cure', async () => {
    const missing = `${prefix}_never_created`;
    const attempt = createIfMissing(warehouses[0] as PostgresWarehouse, [s(`CREATE TABLE IF NOT EXISTS "${missing}"."t" (id int)`)]);
    await expect(attempt).rejects.toBeInstanceOf(WarehouseError);
    await expect(attempt).rejects.toThrow(/3F000/);
  });

  it('stops at once when the statement is cancelled, without retrying it', async () => {
    const schema = `${prefix}_cancelled`;
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const warehouse = warehouses[0] as PostgresWarehouse;
    const execute = vi.spyOn(warehouse, 'execute');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const attempt = createIfMissing(warehouse, [s(`CREATE TABLE IF NOT EXISTS "${schema}"."slow" AS SELECT 1 AS n FROM pg_sleep(5)`)], { signal: controller.signal });
    await expect(attempt).rejects.toMatchObject({ cancelled: true });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(execute).toHaveBeenCalledTimes(1);
    execute.mockRestore();
    const { rowCount } = await admin.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1', [schema]);
    expect(rowCount).toBe(0);
  });
});
