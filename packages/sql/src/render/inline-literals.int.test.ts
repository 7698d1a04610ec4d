// This test executes the rendered SQL, so it needs a driver; the package's own code never does.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParams } from './inline-literals.js';

// The postgres form of every literal, read by a real server, must give exactly the value that
// binding it as a parameter gives; under both settings of standard_conforming_strings.

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const VALUES: unknown[] = ['\\', "'", "\\'", "a''b\\\\", 'ünïcödé ✓ 𝄞', 'line\nbreak\r\n\ttab', '$1 and $2', '', null, 0, -7, 1.25, 12345678901234567890n, true, false];

let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

describe('inline literals in PostgreSQL', () => {
  it.each(['on', 'off'])('read back exactly as bound values, standard_conforming_strings=%s', async (setting) => {
    await client.query(`SET standard_conforming_strings = ${setting}`);
    const placeholders = VALUES.map((_v, i) => `CAST($${i + 1} AS text) AS "v${i}"`).join(', ');
    const bound = await client.query(`SELECT ${placeholders}`, VALUES.map((v) => (typeof v === 'bigint' ? v.toString() : v)));
    const inlined = await client.query(`SELECT ${inlineParams({ sql: placeholders, params: VALUES }, 'postgres')}`);
    expect(inlined.rows).toEqual(bound.rows);
    await client.query('RESET standard_conforming_strings');
  });

  it('leaves plain text untyped, so it converts in context as a bound value does', async () => {
    const sql = inlineParams({ sql: 'SELECT $1 + 1.0 AS "n", CAST($2 AS date) = $3 AS "same"', params: ['12.5', '2024-03-01', '2024-03-01'] }, 'postgres');
    expect((await client.query(sql)).rows).toEqual([{ n: '13.5', same: true }]);
  });

  it('reads a Date back as the same instant', async () => {
    const at = new Date('2024-02-29T23:59:59.123Z');
    const { rows } = await client.query(`SELECT ${inlineParams({ sql: '$1 AS "at"', params: [at] }, 'postgres')}`);
    expect(rows[0].at).toEqual(at);
  });
});
