// npm run demo: from a fresh checkout, install what is missing, find (or start) PostgreSQL, seed a
// messy users_raw, run the users pipeline for two days to show an incremental merge, then a third
// day with a bad row to show that a failed staging check publishes nothing.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { build, checkJava, ensureNodeModules, ensureVenv, log, root } from './lib.mjs';

const DEMO_DB = 'pipeline_demo';

async function reachable(pg, url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** A server URL: the one configured, the local default, or an embedded server started for the demo. */
async function findServer(pg) {
  const candidates = [process.env.PIPELINE_WAREHOUSE_URL, process.env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres'].filter(Boolean);
  for (const url of candidates) if (await reachable(pg, url)) return { url, stop: async () => {} };
  log('no PostgreSQL answered; starting an embedded server for the demo');
  const { startEmbeddedPostgres } = await import(path.join(root, 'packages/testing/dist/index.js'));
  return startEmbeddedPostgres({});
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function seed(pg, url, rows, { reset }) {
  const { COLUMNS, DDL } = await import('./demo-data.mjs');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    if (reset) {
      await client.query('DROP TABLE IF EXISTS public.users_raw');
      await client.query('DROP SCHEMA IF EXISTS analytics CASCADE');
      await client.query('DROP SCHEMA IF EXISTS pipeline_audit CASCADE');
      await client.query(DDL);
    }
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      const values = batch.map((_, r) => `(${COLUMNS.map((__, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`).join(', ');
      await client.query(`INSERT INTO public.users_raw (${COLUMNS.join(', ')}) VALUES ${values}`, batch.flatMap((row) => COLUMNS.map((c) => row[c])));
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

function pipeline(args, env) {
  log(`pipeline ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [path.join(root, 'packages/cli/bin/pipeline.js'), ...args], { cwd: root, stdio: 'inherit', env });
  return result.status;
}

async function show(pg, url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const count = await client.query('SELECT count(*)::int AS n, count(DISTINCT country)::int AS countries FROM analytics.users');
    console.log(`\nanalytics.users: ${count.rows[0].n} users in ${count.rows[0].countries} countries`);
    const sample = await client.query(`SELECT user_id, email, full_name, country, updated_at, notes FROM analytics.users WHERE full_name LIKE '%(updated late)' ORDER BY user_id LIMIT 5`);
    console.log('users updated twice in a day (the later update won):');
    console.table(sample.rows.map((r) => ({ ...r, updated_at: r.updated_at.toISOString(), notes: JSON.stringify(r.notes) })));
    const history = await client.query(
      `SELECT load_id, interval_start, rows_read, rows_staged, rows_inserted, rows_updated, loaded_at FROM pipeline_audit.load_history ORDER BY loaded_at`,
    );
    console.log('pipeline_audit.load_history:');
    console.table(history.rows.map((r) => ({ ...r, interval_start: r.interval_start?.toISOString(), loaded_at: r.loaded_at.toISOString() })));
  } finally {
    await client.end();
  }
}

async function main() {
  ensureNodeModules();
  ensureVenv();
  checkJava();
  build();
  const { default: pg } = await import('pg');
  const { dayOfUsers } = await import('./demo-data.mjs');
  const server = await findServer(pg);
  try {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEMO_DB]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DEMO_DB}`);
    await admin.end();
    const url = withDatabase(server.url, DEMO_DB);
    const env = { ...process.env, PIPELINE_WAREHOUSE_URL: url, PIPELINE_TEMP_DIR: path.join(root, '.pipeline', 'demo') };
    log(`seeding ${DEMO_DB}.public.users_raw`);
    await seed(pg, url, dayOfUsers({ day: '2026-01-01', firstId: 1, newUsers: 1000, updates: 0, seed: 1 }), { reset: true });
    await seed(pg, url, dayOfUsers({ day: '2026-01-02', firstId: 1001, newUsers: 300, updates: 400, seed: 2 }), { reset: false });

    if (pipeline(['run', 'users', '--start', '2026-01-01', '--end', '2026-01-02'], env) !== 0) throw new Error('the first run failed');
    if (pipeline(['run', 'users', '--start', '2026-01-02', '--end', '2026-01-03'], env) !== 0) throw new Error('the incremental run failed');
    await show(pg, url);

    log('day 3 carries a user from a country the checks do not accept: the run must stop before publishing');
    const bad = dayOfUsers({ day: '2026-01-03', firstId: 1301, newUsers: 50, updates: 50, seed: 3 });
    // A user with a single row that day, so no later update of the same user replaces it.
    bad[20].country = 'Atlantis';
    await seed(pg, url, bad, { reset: false });
    const status = pipeline(['run', 'users', '--start', '2026-01-03', '--end', '2026-01-04'], env);
    console.log(status === 1 ? '\nas expected, the third run failed its staging checks and analytics.users is unchanged:' : `\nunexpected exit code ${status}`);
    await show(pg, url);
    if (status !== 1) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err.message}\n`);
  process.exit(1);
});
