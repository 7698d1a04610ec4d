import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres.js';

async function query(url: string, sql: string): Promise<Record<string, unknown> | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  it('runs a PostgreSQL 15 server that checks passwords, and removes it on stop', async () => {
    const server = await startEmbeddedPostgres();
    const wrongPassword = server.url.replace(/:[0-9a-f]+@/, ':wrong@');
    try {
      expect(await query(server.url, "SELECT current_setting('server_version_num')::int / 10000 AS major, current_setting('server_encoding') AS encoding")).toEqual({
        major: 15,
        encoding: 'UTF8',
      });
      await expect(query(wrongPassword, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
    } finally {
      await server.stop();
    }
    await expect(query(server.url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('keeps a data folder the caller chose', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'embedded-pg-test-'));
    const { chmod } = await import('node:fs/promises');
    await chmod(parent, 0o755);
    const dataDir = path.join(parent, 'data');
    try {
      const server = await startEmbeddedPostgres({ dataDir });
      await server.stop();
      expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
