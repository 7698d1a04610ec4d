import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPostgresUrl, repoRoot, tempDirs } from '@pipeline/testing';
import { runCli } from './cli-harness.js';

const temp = tempDirs();
afterAll(() => temp.removeAll());

const cli = runCli;

const id = randomBytes(4).toString('hex');
const src = `e2e_src_${id}`;
const dst = `e2e_dst_${id}`;
let url: string;
let admin: pg.Client;
let dir: string;
let env: NodeJS.ProcessEnv;

const TRICKY = `
CREATE TABLE ${src}.tricky (
  id bigint PRIMARY KEY, s text, n numeric(38,10), b boolean, ts timestamptz, d date, f double precision, i int
);
INSERT INTO ${src}.tricky VALUES
  (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (2, '', 0, false, '1970-01-01T00:00:00Z', '1970-01-01', 0, 0),
  (3, 'quote " and ''single''', 1234567890123456789012345678.0123456789, true, '2026-06-30T23:59:59.123456+02:00', '2026-02-28', 1.5, -2147483648),
  (4, E'comma, tab\\t, newline\\n, cr\\r, backslash \\\\ end', -0.0000000001, true, '1999-12-31T23:59:59.999999Z', '2000-02-29', -1e300, 2147483647),
  (5, 'unicode: Zoë, Søren, 東京, emoji 🎉🚀', 99999999999999999999999999.9999999999, false, '2038-01-19T03:14:08Z', '9999-12-31', 1e-300, 42),
  (9223372036854775807, '\\N', 1, true, '2026-01-01T00:00:00Z', '2026-01-01', 3.141592653589793, 7),
  (-9223372036854775808, ' leading and trailing spaces ', 2, false, '2026-01-01T00:00:00Z', '2026-01-01', 2.718281828459045, 8);
`;

const USERS = `
CREATE TABLE ${src}.users_raw (
  user_id bigint NOT NULL, email text, full_name text, country text, signup_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL, is_active boolean, lifetime_value numeric(38,10), notes text
);
INSERT INTO ${src}.users_raw VALUES
  (1, ' Ada@Example.com ', 'Ada  Lovelace', 'usa', '2025-01-01Z', '2026-01-01T01:00:00Z', true, 10.5, 'first'),
  (2, 'grace@example.com', 'Grace Hopper', 'Germany', '2025-01-02Z', '2026-01-01T02:00:00Z', false, 20, NULL),
  (3, 'linus@example.com', 'Linus', ' fr ', '2025-01-03Z', '2026-01-01T03:00:00Z', NULL, 30, ''),
  (2, 'grace@example.com', 'Grace B. Hopper', 'DE', '2025-01-02Z', '2026-01-02T05:00:00Z', true, 25, 'updated'),
  (4, 'ken@example.com', 'Ken', 'India', '2025-01-04Z', '2026-01-02T06:00:00Z', true, 40, NULL),
  (4, 'ken@example.com', 'Ken Thompson', 'India', '2025-01-04Z', '2026-01-02T09:00:00Z', true, 41, 'latest wins'),
  (5, 'x@example.com', 'Bad Country', 'Atlantis', '2025-01-05Z', '2026-01-03T01:00:00Z', true, 1, NULL);
`;

async function table(name: string) {
  return (await admin.query(`SELECT * FROM ${name} ORDER BY 1`)).rows;
}

beforeAll(async () => {
  url = await getPostgresUrl();
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${src}`);
  await admin.query(TRICKY);
  await admin.query(USERS);
  dir = await temp.make('e2e-pipelines-');
  const transform = path.join(repoRoot(), 'spark', 'transforms', 'users.py');
  await writeFile(
    path.join(dir, 'tricky.yaml'),
    `id: tricky\nloads:\n  - id: tricky\n    source: { table: ${src}.tricky }\n    target: { table: ${dst}.tricky, key: [id], strategy: merge }\n    checks:\n      final: [ { reconciliation: true } ]\n`,
  );
  await writeFile(
    path.join(dir, 'users.yaml'),
    `id: users
schedule: { cron: "0 0 * * *", timezone: UTC }
loads:
  - id: users
    source: { table: ${src}.users_raw, incrementalColumn: updated_at }
    transform: { spark: ${transform} }
    target: { table: ${dst}.users, key: [user_id], strategy: merge, orderBy: updated_at }
    checks:
      staging: [ { not_null: [user_id, email] }, { accepted_values: { country: [US, DE, FR, IN, BR] } } ]
      final: [ { row_count: { min: 1 } }, { unique: [user_id] }, { reconciliation: true } ]
`,
  );
  env = { ...process.env, PIPELINE_WAREHOUSE_URL: url, PIPELINE_PIPELINES_DIR: dir, PIPELINE_TEMP_DIR: path.join(dir, 'tmp') };
}, 120_000);

afterAll(async () => {
  await admin?.query(`DROP SCHEMA IF EXISTS ${src} CASCADE`);
  await admin?.query(`DROP SCHEMA IF EXISTS ${dst} CASCADE`);
  await admin?.end();
});

describe('pipeline run, end to end on PostgreSQL and local Spark', () => {
  it('round-trips every tricky value exactly into a table it creates', async () => {
    const result = await cli(['run', 'tricky', '--full-refresh'], env);
    expect(result.code, result.out + result.err).toBe(0);
    expect(result.out).toMatch(/merge .*inserted 7, updated 0 \(table created\)/);
    const diff = await admin.query(
      `(SELECT * FROM ${src}.tricky EXCEPT ALL SELECT * FROM ${dst}.tricky) UNION ALL (SELECT * FROM ${dst}.tricky EXCEPT ALL SELECT * FROM ${src}.tricky)`,
    );
    expect(diff.rows).toEqual([]);
    const pk = await admin.query(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '${dst}.tricky'::regclass AND i.indisprimary`);
    expect(pk.rows).toEqual([{ attname: 'id' }]);
  }, 180_000);

  it('merges incrementally, latest by orderBy wins, and a rerun changes nothing', async () => {
    const day1 = await cli(['run', 'users', '--start', '2026-01-01', '--end', '2026-01-02'], env);
    expect(day1.code, day1.out + day1.err).toBe(0);
    expect(await table(`${dst}.users`)).toHaveLength(3);

    const day2 = await cli(['run', 'users', '--start', '2026-01-02', '--end', '2026-01-03'], env);
    expect(day2.code, day2.out + day2.err).toBe(0);
    expect(day2.out).toMatch(/inserted 1, updated 1/);
    const after = await table(`${dst}.users`);
    expect(after.map((r) => [Number(r.user_id), r.email, r.country, r.notes])).toEqual([
      [1, 'ada@example.com', 'US', 'first'],
      [2, 'grace@example.com', 'DE', 'updated'],
      [3, 'linus@example.com', 'FR', ''],
      [4, 'ken@example.com', 'IN', 'latest wins'],
    ]);

    const rerun = await cli(['run', 'users', '--start', '2026-01-02', '--end', '2026-01-03'], env);
    expect(rerun.code, rerun.out + rerun.err).toBe(0);
    expect(await table(`${dst}.users`)).toEqual(after);
    const history = await admin.query(`SELECT count(*)::int AS n FROM pipeline_audit.load_history WHERE pipeline_id = 'users' AND run_id LIKE 'users.manual.%' AND interval_start = '2026-01-02Z'`);
    expect(history.rows[0].n).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('stops before publishing when a staging check fails, leaving the final table as it was', async () => {
    const before = await table(`${dst}.users`);
    const result = await cli(['run', 'users', '--start', '2026-01-03', '--end', '2026-01-04'], env);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL audit/);
    expect(result.out).toMatch(/FAIL staging\s+accepted_values\(country\)/);
    expect(result.out).toMatch(/skip merge/);
    expect(await table(`${dst}.users`)).toEqual(before);
    const leftovers = await admin.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'pipeline_staging' AND table_name LIKE 'users__stg_%'`);
    expect(leftovers.rows[0].n).toBe(0);
  }, 180_000);

  it('rolls the merge back when a statement in it fails', async () => {
    await admin.query(`ALTER TABLE ${dst}.users ADD CONSTRAINT small_ltv CHECK (lifetime_value < 50)`);
    try {
      const before = await table(`${dst}.users`);
      await admin.query(`UPDATE ${src}.users_raw SET country = 'BR' WHERE user_id = 5`);
      await admin.query(`INSERT INTO ${src}.users_raw VALUES (6, 'new@example.com', 'New', 'BR', '2025-01-06Z', '2026-01-03T02:00:00Z', true, 99, NULL)`);
      const result = await cli(['run', 'users', '--start', '2026-01-03', '--end', '2026-01-04'], env);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/FAIL merge .*23514/);
      expect(await table(`${dst}.users`)).toEqual(before);
    } finally {
      await admin.query(`ALTER TABLE ${dst}.users DROP CONSTRAINT small_ltv`);
    }
  }, 180_000);
});

describe('pipeline run refuses bad input with exit code 2 before anything runs', () => {
  it.each([
    [['run', 'nope'], /no pipeline "nope" \(known: tricky, users\)/],
    [['run', 'users', '--start', '2026-01-02', '--end', '2026-01-01'], /must be before/],
    [['run', 'users', '--start', 'yesterday', '--end', '2026-01-01'], /not a date/],
    [['run', 'users', '--start', '2026-01-01'], /go together/],
    [['run', 'users', '--full-refresh', '--start', '2026-01-01', '--end', '2026-01-02'], /cannot be used with|leave out/],
    [['run', 'users', '--param', 'oops'], /key=value/],
    [['run'], /missing required argument/],
    [['run', 'users', '--bogus'], /unknown option/],
  ])('%j', async (args, message) => {
    const result = await cli(args, env);
    expect(result.code).toBe(2);
    expect(result.out + result.err).toMatch(message);
  });

  it('refuses a definition whose key is not in the source', async () => {
    const bad = await temp.make('e2e-bad-');
    await writeFile(path.join(bad, 'p.yaml'), `id: p\nloads:\n  - id: l\n    source: { table: ${src}.tricky }\n    target: { table: ${dst}.never, key: [no_such_column] }\n`);
    const result = await cli(['run', 'p', '--pipelines', bad, '--full-refresh'], env);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/target\.key names "no_such_column"/);
    const exists = await admin.query(`SELECT to_regclass('${dst}.never') AS t`);
    expect(exists.rows[0].t).toBeNull();
  });

  it('refuses a bad definition file, naming the file and the path inside it', async () => {
    const bad = await temp.make('e2e-bad-');
    await writeFile(path.join(bad, 'p.yaml'), `id: p\nloads:\n  - id: l\n    source: { table: a.b }\n    target: { table: a.c, key: [id], strategy: upsert }\n`);
    const result = await cli(['validate', '--pipelines', bad], env);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/p\.yaml:5:\d+ at loads\[0\]\.target\.strategy: expected one of merge, delete-insert, append, replace/);
  });
});
