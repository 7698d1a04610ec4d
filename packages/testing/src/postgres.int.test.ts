import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { getPostgresUrl } from './postgres-url.js';
import { createTestSchema } from './test-schema.js';

async function schemaExists(url: string, schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('getPostgresUrl', () => {
  it('gives a server that answers queries, the same one on every call', async () => {
    const url = await getPostgresUrl();
    expect(await getPostgresUrl()).toBe(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ major: number }>("SELECT current_setting('server_version_num')::int / 10000 AS major");
      expect(rows[0]?.major).toBeGreaterThanOrEqual(15);
    } finally {
      await client.end();
    }
  });
});

describe('createTestSchema', () => {
  it('creates a uniquely named schema and drops it with its contents', async () => {
    const url = await getPostgresUrl();
    const first = await createTestSchema(url, 'fixture');
    const second = await createTestSchema(url, 'fixture');
    try {
      expect(first.schema).toMatch(/^fixture_[0-9a-f]{8}$/);
      expect(second.schema).not.toBe(first.schema);
      expect(await schemaExists(url, first.schema)).toBe(true);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`CREATE TABLE ${first.schema}.t (id int)`);
      await client.end();

      await first.drop();
      expect(await schemaExists(url, first.schema)).toBe(false);
      await expect(first.drop()).resolves.toBeUndefined();
    } finally {
      await first.drop();
      await second.drop();
    }
  });

  it('refuses a prefix that is not a plain identifier', async () => {
    await expect(createTestSchema('postgres://unused', 'bad"; drop')).rejects.toThrow(/lower-case letters/);
  });
});
