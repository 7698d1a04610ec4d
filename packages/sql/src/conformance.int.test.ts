import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
// This test executes the generated SQL, so it needs a driver; the package's own code never does.
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_TABLE } from './audit/audit-table.js';
import { createDialect } from './dialects/create-dialect.js';
import { defaultHooks } from './dialects/default-hooks.js';
import { postgresDialect as d } from './dialects/postgres-dialect.js';
import { stagingTableName } from './identifiers/staging-table-name.js';
import type { AuditRow } from './types/audit-row.js';
import type { CheckContext } from './types/check-context.js';
import type { CheckSpec } from './types/check-spec.js';
import type { ColumnSpec } from './types/column-spec.js';
import type { MergeInput } from './types/merge-input.js';
import type { Statement } from './types/statement.js';
import type { TableName } from './types/table-name.js';

// Executes every postgres-dialect statement against a real PostgreSQL, so the golden files are
// known to be SQL the engine accepts and that does what the generator promises.

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const suffix = `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
const schema = `sql_conformance_${suffix}`;
const auditRunPrefix = `sql-conformance-${suffix}`;

let client: pg.Client;
let tableCounter = 0;

/** A table name no other test in this file uses. */
function freshTable(prefix: string): TableName {
  tableCounter += 1;
  return { schema, name: `${prefix}_${tableCounter}` };
}

async function run(s: Statement): Promise<pg.QueryResult> {
  return client.query(s.sql, s.params);
}

/** Runs a statement list the way the warehouse adapter does: in order, ROLLBACK on failure. */
async function runAll(statements: Statement[]): Promise<void> {
  try {
    for (const s of statements) await run(s);
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * Two sessions at once: runs `first` on this file's connection up to index `pauseAt`, starts
 * `second` on a connection of its own, gives it time to run into whatever lock stops it, then
 * runs the rest of `first`. Settles with the second transaction's outcome, rolled back when it
 * failed.
 */
async function race(first: Statement[], pauseAt: number, second: Statement[]): Promise<PromiseSettledResult<void>> {
  const other = new pg.Client({ connectionString: DATABASE_URL });
  await other.connect();
  try {
    for (const s of first.slice(0, pauseAt)) await client.query(s.sql, s.params);
    const racing = (async () => {
      for (const s of second) await other.query(s.sql, s.params);
    })().catch(async (err: unknown) => {
      await other.query('ROLLBACK');
      throw err;
    });
    const outcome = Promise.allSettled([racing]).then(([settled]) => settled!);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const s of first.slice(pauseAt)) await client.query(s.sql, s.params);
    return await outcome;
  } finally {
    await other.end();
  }
}

/** One CSV line in PostgreSQL's convention: NULL is an unquoted empty field, text is quoted. */
function csvLine(values: (string | null)[]): string {
  return values.map((v) => (v === null ? '' : `"${v.replaceAll('"', '""')}"`)).join(',') + '\n';
}

async function copyRows(t: TableName, columns: string[], rows: (string | null)[][]): Promise<void> {
  const stream = client.query(copyFrom(d.copyFromStdin(t, columns).sql));
  await pipeline(Readable.from(rows.map(csvLine)), stream);
}

/** Every row of `t`, each column as PostgreSQL prints it, ordered by all columns: an exact picture. */
async function snapshot(t: TableName, columns: string[]): Promise<(string | null)[][]> {
  // Aliased so that ORDER BY sorts by the columns' own values, not by their text.
  const list = columns.map((c, i) => `"${c}"::text AS "text_${i}"`).join(', ');
  const order = columns.map((c) => `"${c}" NULLS FIRST`).join(', ');
  const result = await client.query({
    text: `SELECT ${list} FROM "${t.schema}"."${t.name}" ORDER BY ${order}`,
    rowMode: 'array',
  });
  return result.rows as (string | null)[][];
}

async function observe(spec: CheckSpec, t: TableName, ctx: CheckContext) {
  const check = d.checkSql(spec, t, ctx);
  const observed: unknown = (await run(check.observed)).rows[0].observed;
  const sample = check.sample === undefined ? undefined : (await run(check.sample)).rows;
  return { observed, passes: check.passes(observed), sample };
}

beforeAll(async () => {
  client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'");
  await run(d.createSchemaIfNotExists(schema));
  await createSharedAuditTable();
});

/**
 * The audit table is shared by every suite on this database, and on a fresh one other suites'
 * loads may be creating it at this moment: concurrent CREATE … IF NOT EXISTS can fail on the
 * catalog's unique index. The loads retry it; so does this setup, after which the tests' own
 * audit DDL finds the table there.
 */
async function createSharedAuditTable(): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await runAll(d.auditTableDdl());
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

afterAll(async () => {
  if (client === undefined) return;
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const audit = await client.query(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = 'pipeline_audit' AND table_name = 'load_history'",
  );
  if (audit.rowCount === 1) {
    await client.query('DELETE FROM pipeline_audit.load_history WHERE run_id LIKE $1', [`${auditRunPrefix}%`]);
  }
  await client.end();
});

const auditRow: AuditRow = {
  runId: 'set-per-test',
  pipelineId: 'users',
  loadId: 'users',
  intervalStart: new Date('2024-03-01T00:00:00Z'),
  intervalEnd: new Date('2024-03-02T00:00:00Z'),
  strategy: 'merge',
  rowsRead: 10,
  rowsStaged: 9,
  rowsInserted: 4,
  rowsUpdated: 5,
  rowsDeleted: null,
  checks: [{ name: 'unique(user_id)', passed: true, observed: 0, note: 'quote " and emoji 🎉' }],
};

const userColumns: ColumnSpec[] = [
  { name: 'user_id', type: { kind: 'int64' }, nullable: false },
  { name: 'email', type: { kind: 'string' }, nullable: true },
  { name: 'country', type: { kind: 'string' }, nullable: true },
  { name: 'updated_at', type: { kind: 'timestamptz' }, nullable: true },
];
const userNames = userColumns.map((c) => c.name);

/** A users target with primary key user_id, and its staging table created LIKE it. */
async function usersPair(rows: (string | null)[][] = []): Promise<{ target: TableName; staging: TableName }> {
  const target = freshTable('users');
  await run(d.createTable(target, userColumns, ['user_id']));
  const staging = stagingTableName(target, `run-${tableCounter}`, 'users', 'postgres');
  await run(d.createTableLike(staging, target));
  if (rows.length > 0) await copyRows(target, userNames, rows);
  return { target, staging };
}

describe('DDL', () => {
  it('creates a schema idempotently', async () => {
    await run(d.createSchemaIfNotExists(schema));
    const found = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    expect(found.rowCount).toBe(1);
  });

  it('tells whether a table exists', async () => {
    const t = freshTable('exists');
    expect((await run(d.tableExists(t))).rows).toEqual([{ exists: false }]);
    await run(d.createTable(t, userColumns, ['user_id']));
    expect((await run(d.tableExists(t))).rows).toEqual([{ exists: true }]);
  });

  it('creates every logical type and describes the table in order', async () => {
    const t = freshTable('all_types');
    const columns: ColumnSpec[] = [
      { name: 'c_string', type: { kind: 'string' }, nullable: false },
      { name: 'c_boolean', type: { kind: 'boolean' }, nullable: true },
      { name: 'c_int16', type: { kind: 'int16' }, nullable: true },
      { name: 'c_int32', type: { kind: 'int32' }, nullable: true },
      { name: 'c_int64', type: { kind: 'int64' }, nullable: false },
      { name: 'c_float32', type: { kind: 'float32' }, nullable: true },
      { name: 'c_float64', type: { kind: 'float64' }, nullable: true },
      { name: 'c_decimal', type: { kind: 'decimal', precision: 38, scale: 10 }, nullable: true },
      { name: 'c_date', type: { kind: 'date' }, nullable: true },
      { name: 'c_timestamp', type: { kind: 'timestamp' }, nullable: true },
      { name: 'c_timestamptz', type: { kind: 'timestamptz' }, nullable: true },
      { name: 'c_binary', type: { kind: 'binary' }, nullable: true },
    ];
    await run(d.createTable(t, columns, ['c_string', 'c_int64']));
    const described = (await run(d.describeTable(t))).rows;
    expect(described).toEqual([
      ['c_string', 'text', 'NO'],
      ['c_boolean', 'boolean', 'YES'],
      ['c_int16', 'smallint', 'YES'],
      ['c_int32', 'integer', 'YES'],
      ['c_int64', 'bigint', 'NO'],
      ['c_float32', 'real', 'YES'],
      ['c_float64', 'double precision', 'YES'],
      ['c_decimal', 'numeric', 'YES'],
      ['c_date', 'date', 'YES'],
      ['c_timestamp', 'timestamp without time zone', 'YES'],
      ['c_timestamptz', 'timestamp with time zone', 'YES'],
      ['c_binary', 'bytea', 'YES'],
    ].map(([column_name, data_type, is_nullable], i) => ({ column_name, data_type, is_nullable, ordinal_position: i + 1 })));
  });

  it('describes a missing table as no rows', async () => {
    expect((await run(d.describeTable(freshTable('missing')))).rows).toEqual([]);
  });

  it('enforces the primary key it declares', async () => {
    const { target } = await usersPair([['1', 'a', null, null]]);
    await expect(copyRows(target, userNames, [['1', 'b', null, null]])).rejects.toMatchObject({ code: '23505' });
  });

  it('creates staging LIKE the target: same columns and NOT NULL and defaults, no primary key', async () => {
    const target = freshTable('with_default');
    await client.query(
      `CREATE TABLE "${schema}"."${target.name}" (id bigint PRIMARY KEY, note text NOT NULL DEFAULT 'none')`,
    );
    const staging = freshTable('with_default_stg');
    await run(d.createTableLike(staging, target));
    const describe = async (t: TableName) =>
      (await run(d.describeTable(t))).rows.map((r) => [r.column_name, r.data_type, r.is_nullable]);
    expect(await describe(staging)).toEqual(await describe(target));
    await client.query(`INSERT INTO "${schema}"."${staging.name}" (id) VALUES (1), (1)`);
    expect(await snapshot(staging, ['id', 'note'])).toEqual([
      ['1', 'none'],
      ['1', 'none'],
    ]);
  });

  it('drops a table, and does not mind when it is already gone', async () => {
    const { staging } = await usersPair();
    await run(d.dropTableIfExists(staging));
    await run(d.dropTableIfExists(staging));
    expect((await run(d.tableExists(staging))).rows).toEqual([{ exists: false }]);
  });

  it('accepts reserved words and names at the length limit', async () => {
    const t = { schema, name: `reserved_words_${'x'.repeat(48)}` };
    expect(t.name).toHaveLength(63);
    const cols: ColumnSpec[] = ['select', 'order', 'user'].map((name) => ({ name, type: { kind: 'string' }, nullable: true }));
    await run(d.createTable(t, cols, ['select']));
    const staging = stagingTableName(t, 'run', 'load', 'postgres');
    await run(d.createTableLike(staging, t));
    await copyRows(staging, ['select', 'order', 'user'], [['a', 'b', 'c']]);
    await runAll(
      d.mergeTransaction({ strategy: 'merge', target: t, staging, columns: ['select', 'order', 'user'], key: ['select'] }),
    );
    expect(await snapshot(t, ['select', 'order', 'user'])).toEqual([['a', 'b', 'c']]);
  });
});

describe('values round-trip exactly through COPY, staging and merge', () => {
  const columns: ColumnSpec[] = [
    { name: 'id', type: { kind: 'int32' }, nullable: false },
    { name: 's', type: { kind: 'string' }, nullable: true },
    { name: 'n', type: { kind: 'decimal', precision: 38, scale: 10 }, nullable: true },
    { name: 'b', type: { kind: 'boolean' }, nullable: true },
    { name: 'i', type: { kind: 'int64' }, nullable: true },
    { name: 'i16', type: { kind: 'int16' }, nullable: true },
    { name: 'f', type: { kind: 'float64' }, nullable: true },
    { name: 'ts', type: { kind: 'timestamptz' }, nullable: true },
    { name: 'lts', type: { kind: 'timestamp' }, nullable: true },
    { name: 'dt', type: { kind: 'date' }, nullable: true },
    { name: 'bin', type: { kind: 'binary' }, nullable: true },
  ];
  const names = columns.map((c) => c.name);
  const strings = [
    null,
    '',
    'say "hi"',
    "o'brien",
    'a,b,c',
    'tab\there',
    'line\nbreak',
    'crlf\r\nline',
    'back\\slash \\N \\x00',
    'NULL',
    ' padded ',
    'café ü 日本語',
    'emoji 🎉👍🏽',
  ];
  // Every value in the text form PostgreSQL prints it in, so input and output compare as strings.
  const rows: (string | null)[][] = strings.map((s, i) => [
    String(i + 1),
    s,
    [null, '9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999', '0.0000000001', '0.0000000000'][i % 5]!,
    [null, 'true', 'false'][i % 3]!,
    [null, '9223372036854775807', '-9223372036854775808', '0'][i % 4]!,
    [null, '32767', '-32768'][i % 3]!,
    [null, '1.7976931348623157e+308', '0.1', '-2.5e-300'][i % 4]!,
    [null, '2024-02-29 23:59:59.999999+00', '1970-01-01 00:00:00+00', '0001-01-01 00:00:00+00'][i % 4]!,
    [null, '2024-02-29 23:59:59.123456'][i % 2]!,
    [null, '2024-02-29', '9999-12-31'][i % 3]!,
    [null, '\\x', '\\x00ff0a2c22'][i % 3]!,
  ]);

  // Except for append, the target already holds every id with NULLs, so values also travel
  // through each strategy's update path (MERGE's UPDATE SET, DELETE + INSERT, DELETE all).
  it.each(['merge', 'delete-insert', 'append', 'replace'] as const)('via %s', async (strategy) => {
    const target = freshTable('round_trip');
    await run(d.createTable(target, columns, ['id']));
    if (strategy !== 'append') await copyRows(target, names, rows.map((r) => [r[0]!, ...names.slice(1).map(() => null)]));
    const staging = stagingTableName(target, 'run', strategy, 'postgres');
    await run(d.createTableLike(staging, target));
    await copyRows(staging, names, rows);
    expect((await run(d.rowCount(staging))).rows).toEqual([{ count: String(rows.length) }]);
    await runAll(d.mergeTransaction({ strategy, target, staging, columns: names, key: ['id'] }));
    const actual = await snapshot(target, names);
    expect(actual).toEqual(rows);
    expect(actual.map((r) => r[1])).toEqual(strings);
  });
});

describe('dedupe', () => {
  const t = (s: number) => `2024-03-01 00:00:${String(s).padStart(2, '0')}+00`;
  // Each key tests one rule: latest wins, NULL is never latest, ties go to the smallest other
  // columns, identical rows collapse, a key without duplicates is kept as is.
  const duplicated: (string | null)[][] = [
    ['1', 'old', 'DE', t(1)],
    ['1', 'new', 'DE', t(2)],
    ['2', 'null-time', 'DE', null],
    ['2', 'timed', 'DE', t(1)],
    ['3', 'b', 'DE', t(5)],
    ['3', 'a', 'DE', t(5)],
    ['3', null, 'DE', t(5)],
    ['4', 'same', 'FR', t(7)],
    ['4', 'same', 'FR', t(7)],
    ['5', 'single', null, null],
  ];
  const deduplicated = [
    ['1', 'new', 'DE', t(2)],
    ['2', 'timed', 'DE', t(1)],
    ['3', 'a', 'DE', t(5)],
    ['4', 'same', 'FR', t(7)],
    ['5', 'single', null, null],
  ];

  it('keeps the latest row per key, deterministically, on a table that keeps its name and shape', async () => {
    const { staging } = await usersPair();
    await copyRows(staging, userNames, duplicated);
    expect((await run(d.duplicateKeyCount(staging, ['user_id']))).rows).toEqual([{ count: '4' }]);
    const before = (await run(d.describeTable(staging))).rows;
    await runAll([{ sql: 'BEGIN', params: [] }, ...d.dedupe(staging, ['user_id'], ['updated_at'], userNames), { sql: 'COMMIT', params: [] }]);
    expect(await snapshot(staging, userNames)).toEqual(deduplicated);
    expect((await run(d.duplicateKeyCount(staging, ['user_id']))).rows).toEqual([{ count: '0' }]);
    expect((await run(d.describeTable(staging))).rows).toEqual(before);
    const leftovers = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE '%\\_\\_dd\\_%'",
      [schema],
    );
    expect(leftovers.rows).toEqual([]);
  });

  it('chooses the same rows whatever order they were staged in', async () => {
    const { staging } = await usersPair();
    await copyRows(staging, userNames, [...duplicated].reverse());
    await runAll(d.dedupe(staging, ['user_id'], ['updated_at'], userNames));
    expect(await snapshot(staging, userNames)).toEqual(deduplicated);
  });

  it('can be rerun after an attempt that left its working copy behind', async () => {
    const { staging } = await usersPair();
    await copyRows(staging, userNames, duplicated);
    const statements = d.dedupe(staging, ['user_id'], ['updated_at'], userNames);
    await runAll(statements.slice(0, 2));
    await runAll(statements);
    expect(await snapshot(staging, userNames)).toEqual(deduplicated);
  });
});

describe('merge strategies', () => {
  const t = (h: number) => `2024-03-0${h} 00:00:00+00`;
  const initial = [
    ['1', 'a', 'DE', t(1)],
    ['2', 'b', 'DE', t(2)],
    ['3', 'c', 'FR', t(3)],
  ];
  const staged = [
    ['2', 'B', null, t(2)],
    ['4', 'D', 'GB', t(4)],
  ];
  const upserted = [
    ['1', 'a', 'DE', t(1)],
    ['2', 'B', null, t(2)],
    ['3', 'c', 'FR', t(3)],
    ['4', 'D', 'GB', t(4)],
  ];

  async function mergeTwice(input: (p: { target: TableName; staging: TableName }) => MergeInput) {
    const pair = await usersPair(initial);
    await copyRows(pair.staging, userNames, staged);
    const matched = (await run(d.matchedKeyCount(pair.staging, pair.target, ['user_id']))).rows;
    await runAll(d.mergeTransaction(input(pair)));
    const first = await snapshot(pair.target, userNames);
    await runAll(d.mergeTransaction(input(pair)));
    return { first, second: await snapshot(pair.target, userNames), matched };
  }

  it('merge updates matched rows, inserts the rest, and reruns to the same table', async () => {
    const r = await mergeTwice((p) => ({ strategy: 'merge', ...p, columns: userNames, key: ['user_id'] }));
    expect(r.matched).toEqual([{ count: '1' }]);
    expect(r.first).toEqual(upserted);
    expect(r.second).toEqual(upserted);
  });

  it('merge with only key columns inserts missing keys and leaves matched rows alone', async () => {
    const target = freshTable('pairs');
    const cols: ColumnSpec[] = [
      { name: 'user_id', type: { kind: 'int64' }, nullable: false },
      { name: 'country', type: { kind: 'string' }, nullable: false },
    ];
    await run(d.createTable(target, cols, ['user_id', 'country']));
    const staging = stagingTableName(target, 'run', 'pairs', 'postgres');
    await run(d.createTableLike(staging, target));
    await copyRows(target, ['user_id', 'country'], [['1', 'DE'], ['2', 'FR']]);
    await copyRows(staging, ['user_id', 'country'], [['2', 'FR'], ['2', 'GB']]);
    const input: MergeInput = { strategy: 'merge', target, staging, columns: ['user_id', 'country'], key: ['user_id', 'country'] };
    await runAll(d.mergeTransaction(input));
    await runAll(d.mergeTransaction(input));
    expect(await snapshot(target, ['user_id', 'country'])).toEqual([['1', 'DE'], ['2', 'FR'], ['2', 'GB']]);
  });

  it('delete-insert replaces rows by key and reruns to the same table', async () => {
    const r = await mergeTwice((p) => ({ strategy: 'delete-insert', ...p, columns: userNames, key: ['user_id'] }));
    expect(r.first).toEqual(upserted);
    expect(r.second).toEqual(upserted);
  });

  it('replace makes the target equal to staging and reruns to the same table', async () => {
    const r = await mergeTwice((p) => ({ strategy: 'replace', ...p, columns: userNames, key: [] }));
    expect(r.first).toEqual(staged);
    expect(r.second).toEqual(staged);
  });

  it('append with intervalDelete replaces only the interval and reruns to the same table', async () => {
    const target = freshTable('events');
    const cols: ColumnSpec[] = [
      { name: 'event_id', type: { kind: 'int64' }, nullable: false },
      { name: 'occurred_at', type: { kind: 'timestamptz' }, nullable: false },
    ];
    const names = ['event_id', 'occurred_at'];
    await run(d.createTable(target, cols, []));
    const staging = stagingTableName(target, 'run', 'events', 'postgres');
    await run(d.createTableLike(staging, target));
    await copyRows(target, names, [
      ['1', '2024-03-01 23:59:59.999999+00'],
      ['2', '2024-03-02 00:00:00+00'],
      ['3', '2024-03-03 00:00:00+00'],
    ]);
    await copyRows(staging, names, [
      ['20', '2024-03-02 00:00:00+00'],
      ['21', '2024-03-02 23:59:59.999999+00'],
    ]);
    const input: MergeInput = {
      strategy: 'append',
      target,
      staging,
      columns: names,
      key: [],
      intervalDelete: { column: 'occurred_at', start: new Date('2024-03-02T00:00:00Z'), end: new Date('2024-03-03T00:00:00Z') },
    };
    const expected = [
      ['1', '2024-03-01 23:59:59.999999+00'],
      ['3', '2024-03-03 00:00:00+00'],
      ['20', '2024-03-02 00:00:00+00'],
      ['21', '2024-03-02 23:59:59.999999+00'],
    ];
    await runAll(d.mergeTransaction(input));
    expect(await snapshot(target, names)).toEqual(expected);
    await runAll(d.mergeTransaction(input));
    expect(await snapshot(target, names)).toEqual(expected);
  });

  it('append without intervalDelete adds the staged rows again on every run', async () => {
    const pair = await usersPair();
    await copyRows(pair.staging, userNames, staged);
    await client.query(`ALTER TABLE "${schema}"."${pair.target.name}" DROP CONSTRAINT "${pair.target.name}_pkey"`);
    const input: MergeInput = { strategy: 'append', ...pair, columns: userNames, key: [] };
    await runAll(d.mergeTransaction(input));
    await runAll(d.mergeTransaction(input));
    expect(await snapshot(pair.target, userNames)).toEqual([staged[0], staged[0], staged[1], staged[1]]);
  });
});

describe('with orderBy, a merge never moves a row back to an older version', () => {
  const t = (day: number) => `2024-03-0${day} 00:00:00+00`;
  // By key: 1 the target is newer; 2 the same version; 3 the target has no version; 4 the staged
  // row has none; 5 is new; 6 the staged row is newer.
  const initial = [
    ['1', 'target', null, t(5)],
    ['2', 'target', null, t(3)],
    ['3', 'target', null, null],
    ['4', 'target', null, t(2)],
    ['6', 'target', null, t(1)],
  ];
  const stagedRows = [
    ['1', 'staged', null, t(4)],
    ['2', 'staged', null, t(3)],
    ['3', 'staged', null, t(1)],
    ['4', 'staged', null, null],
    ['5', 'staged', null, t(1)],
    ['6', 'staged', null, t(2)],
  ];

  // PostgreSQL's MERGE takes the version condition itself; Redshift's cannot, and deletes the
  // stale staged rows first, as delete-insert does on both: that path runs here on PostgreSQL too.
  const withoutMatchedCondition = createDialect({ ...defaultHooks, name: 'postgres', mergeMatchedCondition: false });
  it.each<[string, MergeInput['strategy'], typeof d]>([
    ['merge', 'merge', d],
    ['merge without a condition on WHEN MATCHED', 'merge', withoutMatchedCondition],
    ['delete-insert', 'delete-insert', d],
  ])('%s keeps the newer version of each key and counts the staged rows it leaves out', async (_name, strategy, dialect) => {
    const pair = await usersPair(initial);
    await copyRows(pair.staging, userNames, stagedRows);
    expect((await run(d.matchedKeyCount(pair.staging, pair.target, ['user_id'], ['updated_at']))).rows).toEqual([{ count: '5', stale: '2' }]);
    await runAll(dialect.mergeTransaction({ strategy, ...pair, columns: userNames, key: ['user_id'], orderBy: ['updated_at'] }));
    expect(await snapshot(pair.target, userNames)).toEqual([
      ['1', 'target', null, t(5)],
      ['2', 'staged', null, t(3)],
      ['3', 'staged', null, t(1)],
      ['4', 'target', null, t(2)],
      ['5', 'staged', null, t(1)],
      ['6', 'staged', null, t(2)],
    ]);
  });

  it('compares the orderBy columns in turn, a NULL below any value', async () => {
    const pair = await usersPair([
      ['1', 'target', 'DE', t(2)],
      ['2', 'target', null, t(2)],
      ['3', 'target', 'FR', t(2)],
      ['4', 'target', 'ZZ', t(1)],
    ]);
    await copyRows(pair.staging, userNames, [
      ['1', 'staged', 'CH', t(2)],
      ['2', 'staged', 'AT', t(2)],
      ['3', 'staged', 'FR', t(2)],
      ['4', 'staged', 'AA', t(2)],
    ]);
    const orderBy = ['updated_at', 'country'];
    expect((await run(d.matchedKeyCount(pair.staging, pair.target, ['user_id'], orderBy))).rows).toEqual([{ count: '4', stale: '1' }]);
    await runAll(d.mergeTransaction({ strategy: 'merge', ...pair, columns: userNames, key: ['user_id'], orderBy }));
    expect(await snapshot(pair.target, userNames)).toEqual([
      ['1', 'target', 'DE', t(2)],
      ['2', 'staged', 'AT', t(2)],
      ['3', 'staged', 'FR', t(2)],
      ['4', 'staged', 'AA', t(2)],
    ]);
  });

  it('two runs merging out of order: the older interval, merging last, changes nothing it should not', async () => {
    const pair = await usersPair([['1', 'first', null, t(1)]]);
    const olderStaging = stagingTableName(pair.target, `run-${tableCounter}-older`, 'users', 'postgres');
    await run(d.createTableLike(olderStaging, pair.target));
    await copyRows(pair.staging, userNames, [['1', 'newer', null, t(3)]]);
    await copyRows(olderStaging, userNames, [['1', 'older', null, t(2)], ['2', 'older', null, t(2)]]);
    const merge = (staging: TableName) => d.mergeTransaction({ strategy: 'merge', target: pair.target, staging, columns: userNames, key: ['user_id'], orderBy: ['updated_at'] });
    await runAll(merge(pair.staging));
    await runAll(merge(olderStaging));
    expect(await snapshot(pair.target, userNames)).toEqual([
      ['1', 'newer', null, t(3)],
      ['2', 'older', null, t(2)],
    ]);
  });
});

describe('a failing statement rolls the whole transaction back', () => {
  const initial = [
    ['1', 'a', 'DE', null],
    ['2', 'b', 'DE', null],
  ];

  it('delete-insert: the DELETE is undone when the INSERT breaks the primary key', async () => {
    const pair = await usersPair(initial);
    await copyRows(pair.staging, userNames, [
      ['2', 'x', null, null],
      ['2', 'y', null, null],
    ]);
    const statements = d.mergeTransaction({ strategy: 'delete-insert', ...pair, columns: userNames, key: ['user_id'] });
    await expect(runAll(statements)).rejects.toMatchObject({ code: '23505' });
    expect(await snapshot(pair.target, userNames)).toEqual(initial);
  });

  it('replace: the DELETE is undone when a staged value does not fit, and no audit row is written', async () => {
    const target = freshTable('strict');
    await run(d.createTable(target, [{ name: 'id', type: { kind: 'int16' }, nullable: false }], ['id']));
    const staging = freshTable('strict_stg');
    await run(d.createTable(staging, [{ name: 'id', type: { kind: 'int64' }, nullable: false }], []));
    await copyRows(target, ['id'], [['1']]);
    await copyRows(staging, ['id'], [['2'], ['70000']]);
    await runAll(d.auditTableDdl());
    const runId = `${auditRunPrefix}-rollback`;
    const statements = d.mergeTransaction({
      strategy: 'replace',
      target,
      staging,
      columns: ['id'],
      key: [],
      audit: { ...auditRow, runId },
    });
    await expect(runAll(statements)).rejects.toMatchObject({ code: '22003' });
    expect(await snapshot(target, ['id'])).toEqual([['1']]);
    const written = await client.query('SELECT 1 FROM pipeline_audit.load_history WHERE run_id = $1', [runId]);
    expect(written.rowCount).toBe(0);
  });

  it('merge: a source row matching twice fails without changing the target', async () => {
    const pair = await usersPair(initial);
    await copyRows(pair.staging, userNames, [
      ['1', 'x', null, null],
      ['1', 'y', null, null],
    ]);
    const statements = d.mergeTransaction({ strategy: 'merge', ...pair, columns: userNames, key: ['user_id'] });
    await expect(runAll(statements)).rejects.toMatchObject({ code: '21000' });
    expect(await snapshot(pair.target, userNames)).toEqual(initial);
  });
});


describe('audit', () => {
  it('creates the audit table idempotently and writes the row inside the merge', async () => {
    await runAll(d.auditTableDdl());
    await runAll(d.auditTableDdl());
    const pair = await usersPair();
    await copyRows(pair.staging, userNames, [['1', 'a', null, null]]);
    const runId = `${auditRunPrefix}-merge`;
    await runAll(
      d.mergeTransaction({ strategy: 'merge', ...pair, columns: userNames, key: ['user_id'], audit: { ...auditRow, runId } }),
    );
    const { rows } = await client.query(
      `SELECT run_id, pipeline_id, load_id, interval_start, interval_end, strategy, rows_read, rows_staged,
              rows_inserted, rows_updated, rows_deleted, checks, now() - loaded_at < interval '1 minute' AS recent
       FROM "${AUDIT_TABLE.schema}"."${AUDIT_TABLE.name}" WHERE run_id = $1`,
      [runId],
    );
    expect(rows).toEqual([
      {
        run_id: runId,
        pipeline_id: 'users',
        load_id: 'users',
        interval_start: auditRow.intervalStart,
        interval_end: auditRow.intervalEnd,
        strategy: 'merge',
        rows_read: '10',
        rows_staged: '9',
        rows_inserted: '4',
        rows_updated: '5',
        rows_deleted: null,
        checks: auditRow.checks,
        recent: true,
      },
    ]);
  });
});

describe('a merge publishes once per run and load', () => {
  it('a second attempt of a committed merge fails, changes nothing, and finds the audit row', async () => {
    await runAll(d.auditTableDdl());
    const pair = await usersPair();
    await client.query(`ALTER TABLE "${schema}"."${pair.target.name}" DROP CONSTRAINT "${pair.target.name}_pkey"`);
    await copyRows(pair.staging, userNames, [['1', 'a', null, null]]);
    const runId = `${auditRunPrefix}-once`;
    // append without an interval is the strategy a repeat would hurt: it adds the rows again.
    const input: MergeInput = { strategy: 'append', ...pair, columns: userNames, key: [], audit: { ...auditRow, runId } };
    await runAll(d.mergeTransaction(input));
    await expect(runAll(d.mergeTransaction(input))).rejects.toMatchObject({ code: '22012' });
    expect(await snapshot(pair.target, userNames)).toEqual([['1', 'a', null, null]]);
    const found = await run(d.auditRowLookup(runId, 'users'));
    expect(found.rows).toEqual([expect.objectContaining({ rows_staged: '9', rows_inserted: '4', rows_updated: '5', rows_deleted: null })]);
    expect((await run(d.auditRowLookup(`${runId}-other`, 'users'))).rows).toEqual([]);
  });

  it('two attempts racing: the audit lock lets one through and fails the other', async () => {
    await runAll(d.auditTableDdl());
    const pair = await usersPair();
    await client.query(`ALTER TABLE "${schema}"."${pair.target.name}" DROP CONSTRAINT "${pair.target.name}_pkey"`);
    await copyRows(pair.staging, userNames, [['1', 'a', null, null]]);
    const runId = `${auditRunPrefix}-race`;
    const statements = d.mergeTransaction({ strategy: 'append', ...pair, columns: userNames, key: [], audit: { ...auditRow, runId } });
    // The first attempt stops right after taking the audit lock; the second (a plain append,
    // which takes no target lock) runs its body and waits.
    const guardAt = statements.findIndex((s) => s.sql.startsWith('LOCK') && s.sql.includes('"pipeline_audit"'));
    const second = await race(statements, guardAt + 1, statements);
    expect(second).toMatchObject({ status: 'rejected', reason: { code: '22012' } });
    expect(await snapshot(pair.target, userNames)).toEqual([['1', 'a', null, null]]);
    expect((await run(d.auditRowLookup(runId, 'users'))).rows).toHaveLength(1);
  });
});

describe('two runs merging into one target at once', () => {
  // A target without a unique key, as tables made outside the pipeline often are: nothing but
  // the merge's own lock keeps the second run from inserting what the first is inserting.
  it.each<MergeInput['strategy']>(['merge', 'delete-insert', 'replace'])('%s: the second waits for the first and sees its rows', async (strategy) => {
    const pair = await usersPair([['1', 'old', null, null]]);
    await client.query(`ALTER TABLE "${schema}"."${pair.target.name}" DROP CONSTRAINT "${pair.target.name}_pkey"`);
    const secondStaging = stagingTableName(pair.target, `run-${tableCounter}-second`, 'users', 'postgres');
    await run(d.createTableLike(secondStaging, pair.target));
    await copyRows(pair.staging, userNames, [['1', 'first', null, null], ['2', 'first', null, null]]);
    await copyRows(secondStaging, userNames, [['1', 'second', null, null], ['2', 'second', null, null]]);
    const key = strategy === 'replace' ? [] : ['user_id'];
    const first = d.mergeTransaction({ strategy, target: pair.target, staging: pair.staging, columns: userNames, key });
    const second = d.mergeTransaction({ strategy, target: pair.target, staging: secondStaging, columns: userNames, key });
    // The first run does everything but COMMIT; the second starts meanwhile.
    expect(await race(first, first.length - 1, second)).toMatchObject({ status: 'fulfilled' });
    expect(await snapshot(pair.target, userNames)).toEqual([
      ['1', 'second', null, null],
      ['2', 'second', null, null],
    ]);
  });
});

describe('checks', () => {
  const now = new Date('2024-03-01T12:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
  const key = ['user_id'];
  const ctx: CheckContext = { key, now, sampleSize: 5 };
  const columns: ColumnSpec[] = [
    { name: 'user_id', type: { kind: 'int64' }, nullable: false },
    { name: 'email', type: { kind: 'string' }, nullable: true },
    { name: 'country', type: { kind: 'string' }, nullable: true },
    { name: 'active', type: { kind: 'boolean' }, nullable: true },
    { name: 'updated_at', type: { kind: 'timestamptz' }, nullable: true },
  ];
  const names = columns.map((c) => c.name);
  let table: TableName;
  let empty: TableName;

  beforeAll(async () => {
    table = freshTable('checked');
    empty = freshTable('checked_empty');
    await run(d.createTable(table, columns, []));
    await run(d.createTable(empty, columns, []));
    await copyRows(table, names, [
      ['1', 'a@x', 'DE', 'true', ago(100)],
      ['2', null, 'FR', 'true', ago(200)],
      ['3', 'c@x', 'XX', 'false', ago(300)],
      ['3', 'c2@x', 'DE', 'true', ago(50)],
      ['4', null, null, null, null],
      ['5', 'e@x', 'YY', 'true', ago(10)],
    ]);
  });

  it('not_null counts rows with a NULL and samples them by key', async () => {
    const failing = await observe({ kind: 'not_null', columns: ['email'] }, table, ctx);
    expect(failing).toEqual({
      observed: '2',
      passes: false,
      sample: [
        { user_id: '2', email: null },
        { user_id: '4', email: null },
      ],
    });
    const passing = await observe({ kind: 'not_null', columns: ['user_id'] }, table, ctx);
    expect(passing).toEqual({ observed: '0', passes: true, sample: [] });
  });

  it('unique counts duplicated values, ignoring NULLs', async () => {
    expect(await observe({ kind: 'unique', columns: ['user_id'] }, table, ctx)).toEqual({
      observed: '1',
      passes: false,
      sample: [{ user_id: '3', occurrences: '2' }],
    });
    expect(await observe({ kind: 'unique', columns: ['email'] }, table, ctx)).toMatchObject({ observed: '0', passes: true });
  });

  it('row_count compares the count with its bounds', async () => {
    expect(await observe({ kind: 'row_count', min: 6, max: 6 }, table, ctx)).toEqual({
      observed: '6',
      passes: true,
      sample: undefined,
    });
    expect(await observe({ kind: 'row_count', min: 7 }, table, ctx)).toMatchObject({ observed: '6', passes: false });
    expect(await observe({ kind: 'row_count', min: 1 }, empty, ctx)).toMatchObject({ observed: '0', passes: false });
  });

  it('accepted_values counts other non-NULL values, for strings, numbers and booleans', async () => {
    expect(await observe({ kind: 'accepted_values', column: 'country', values: ['DE', 'FR'] }, table, ctx)).toEqual({
      observed: '2',
      passes: false,
      sample: [
        { user_id: '3', country: 'XX' },
        { user_id: '5', country: 'YY' },
      ],
    });
    expect(
      await observe({ kind: 'accepted_values', column: 'country', values: ['DE', 'FR', 'XX', 'YY'] }, table, ctx),
    ).toMatchObject({ observed: '0', passes: true });
    expect(await observe({ kind: 'accepted_values', column: 'user_id', values: [1, 2, 3, 4] }, table, ctx)).toMatchObject({
      observed: '1',
      passes: false,
      sample: [{ user_id: '5' }],
    });
    expect(await observe({ kind: 'accepted_values', column: 'active', values: [true] }, table, ctx)).toMatchObject({
      observed: '1',
      passes: false,
      sample: [{ user_id: '3', active: false }],
    });
  });

  it('freshness measures seconds since the latest value, and fails on an empty table', async () => {
    expect(await observe({ kind: 'freshness', column: 'updated_at', maxAgeSeconds: 60 }, table, ctx)).toEqual({
      observed: '10',
      passes: true,
      sample: undefined,
    });
    expect(await observe({ kind: 'freshness', column: 'updated_at', maxAgeSeconds: 9 }, table, ctx)).toMatchObject({
      observed: '10',
      passes: false,
    });
    expect(await observe({ kind: 'freshness', column: 'updated_at', maxAgeSeconds: 60 }, empty, ctx)).toMatchObject({
      observed: null,
      passes: false,
    });
  });

  it('reconciliation counts staged keys missing from the table', async () => {
    const against = freshTable('reconcile_stg');
    await run(d.createTable(against, columns, []));
    await copyRows(against, names, [
      ['1', null, null, null, null],
      ['2', null, null, null, null],
      ['7', null, null, null, null],
      ['6', null, null, null, null],
      ['6', null, null, null, null],
    ]);
    expect(await observe({ kind: 'reconciliation', against, key }, table, ctx)).toEqual({
      observed: '2',
      passes: false,
      sample: [{ user_id: '6' }, { user_id: '7' }],
    });
    expect(await observe({ kind: 'reconciliation', against: table, key }, table, ctx)).toMatchObject({
      observed: '0',
      passes: true,
    });
  });

  it('custom_sql counts the rows the query returns', async () => {
    const spec: CheckSpec = {
      kind: 'custom_sql',
      name: 'no_unknown_country',
      sql: "SELECT user_id FROM {{ table }} WHERE country = 'XX';",
    };
    expect(await observe(spec, table, ctx)).toEqual({ observed: '1', passes: false, sample: [{ user_id: '3' }] });
    const none: CheckSpec = { ...spec, sql: 'SELECT user_id FROM {{table}} WHERE user_id < 0' };
    expect(await observe(none, table, ctx)).toEqual({ observed: '0', passes: true, sample: [] });
  });

  it('custom_sql binds run parameters, so a value is compared as data and never read as SQL', async () => {
    const spec: CheckSpec = {
      kind: 'custom_sql',
      name: 'rows_of_country_above',
      sql: 'SELECT user_id FROM {{ table }} WHERE country = {{ params.country }} AND user_id > {{ params.min_id }} AND active = {{ params.active }}',
    };
    const observeWith = (params: Record<string, string | number | boolean>) => observe(spec, table, { ...ctx, params });
    expect(await observeWith({ country: 'DE', min_id: 1, active: true })).toEqual({ observed: '1', passes: false, sample: [{ user_id: '3' }] });
    expect(await observeWith({ country: 'DE', min_id: 0, active: true })).toMatchObject({ observed: '2', passes: false });
    expect(await observeWith({ country: "DE' OR '1'='1", min_id: 0, active: true })).toEqual({ observed: '0', passes: true, sample: [] });
    const like: CheckSpec = { kind: 'custom_sql', name: 'email_has', sql: "SELECT user_id FROM {{ table }} WHERE email LIKE '%' || {{ params.part }} || '%'" };
    expect(await observe(like, table, { ...ctx, params: { part: 'c2' } })).toEqual({ observed: '1', passes: false, sample: [{ user_id: '3' }] });
  });

  it('limits samples to sampleSize', async () => {
    const result = await observe({ kind: 'accepted_values', column: 'country', values: ['none'] }, table, { ...ctx, sampleSize: 2 });
    expect(result.observed).toBe('5');
    expect(result.sample).toEqual([
      { user_id: '1', country: 'DE' },
      { user_id: '2', country: 'FR' },
    ]);
  });
});
