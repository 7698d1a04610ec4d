// Suite "data": one load of 1,000,000 source rows, half of whose keys are already in the final
// table, against PostgreSQL and local Spark. Each phase figure is compared with the bare
// statement doing the same work on the same data in the same run.
import { spawn, execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline as streamPipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  audit, createLogger, createServices, extractTransform, loadConfig, merge, parsePipeline, planLoads, stage, cleanup,
} from '@pipeline/core';
import { root } from '../lib.mjs';
import { emit, figure, median } from './report.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);
const schema = `bench_${process.pid}`;

async function timed(work) {
  const t0 = performance.now();
  const result = await work();
  return { ms: performance.now() - t0, result };
}

/** Recreates the final table in the state every timed merge starts from. */
async function resetTarget(client) {
  await client.query(`DROP TABLE IF EXISTS ${schema}.dst`);
  await client.query(`CREATE TABLE ${schema}.dst AS SELECT * FROM ${schema}.dst_initial`);
  await client.query(`ALTER TABLE ${schema}.dst ADD PRIMARY KEY (user_id)`);
  await client.query(`VACUUM ANALYZE ${schema}.dst`);
}

async function copyFiles(client, sql, files) {
  async function* chunks() {
    for (const f of files) for await (const c of createReadStream(f, { highWaterMark: 1 << 20 })) yield c;
  }
  const stream = client.query(copyFrom(sql));
  await streamPipeline(Readable.from(chunks()), stream);
  return stream.rowCount;
}

/** Peak resident set of a child process, sampled from /proc (VmHWM is itself a high-water mark). */
function watchPeakRss(pid) {
  let peak = 0;
  const sample = () => readFile(`/proc/${pid}/status`, 'utf8').then((s) => {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0);
    peak = Math.max(peak, kb);
  }, () => undefined);
  const timer = setInterval(sample, 25);
  return { stop: async () => { clearInterval(timer); await sample(); return peak / 1024; } };
}

export async function run() {
  const url = process.env.PIPELINE_WAREHOUSE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const versions = {
    postgres: (await client.query('SHOW server_version')).rows[0].server_version,
    spark: execFileSync(path.join(root, '.venv/bin/python'), ['-c', 'import pyspark; print(pyspark.__version__)'], { encoding: 'utf8' }).trim(),
  };
  emit({ bench: 'env', node: process.version, cpus: os.cpus().length, postgres: versions.postgres, spark: versions.spark, rows: ROWS });

  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-data-'));
  const auditedRuns = [];
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`
      CREATE TABLE ${schema}.src AS
      SELECT g::bigint AS user_id,
             'user' || g || '@example.com' AS email,
             (ARRAY['US','DE','FR','IN','BR'])[1 + g % 5] AS country,
             round((g % 100000) * 1.0000000001, 10)::numeric(38,10) AS amount,
             timestamptz '2026-01-01T00:00:00Z' + (g % 86400) * interval '1 second' AS updated_at,
             CASE WHEN g % 10 = 0 THEN NULL ELSE md5(g::text) END AS payload
      FROM generate_series(1, ${ROWS}) g`);
    await client.query(`CREATE TABLE ${schema}.dst_initial AS SELECT user_id, email, country, amount - 1 AS amount, updated_at - interval '1 day' AS updated_at, payload FROM ${schema}.src WHERE user_id % 2 = 0`);
    await resetTarget(client);

    const definition = parsePipeline('bench.yaml', `id: bench
loads:
  - id: users
    source: { table: ${schema}.src }
    target: { table: ${schema}.dst, key: [user_id], strategy: merge, orderBy: updated_at }
`);
    const config = loadConfig({ env: { ...process.env, PIPELINE_WAREHOUSE_URL: url, PIPELINE_TEMP_DIR: path.join(dir, 'tmp') } });
    const logger = createLogger({ level: 'warn' });
    const services = await createServices(config, logger);
    const [loadRun] = planLoads({ runId: `bench.phases.${process.pid}`, pipeline: definition, interval: null });

    try {
      const extract = await timed(() => extractTransform(loadRun, services));
      const staged = await timed(() => stage(loadRun, services, extract.result));
      const files = extract.result.manifest.files.map((f) => path.join(extract.result.outputDir, f));
      const columns = extract.result.manifest.columns.map((c) => c.name).join(', ');

      // Staging load rate vs a bare COPY of the same files into an empty table of the same shape,
      // interleaved: the stage phase again after each bare COPY, so neither side alone runs on a
      // freshly written or a warmed-up database. Each side's table from the repeat before is
      // dropped before its clock starts: a run's staging table is new, and dropping a million
      // rows of an earlier repeat is no part of its stage.
      const stagingTable = `"${staged.result.staging.schema}"."${staged.result.staging.name}"`;
      const copies = [];
      const stages = [staged.ms];
      for (let i = 0; i < REPEATS; i++) {
        await client.query(`DROP TABLE IF EXISTS ${schema}.copy_baseline`);
        await client.query(`CREATE TABLE ${schema}.copy_baseline (LIKE ${schema}.dst)`);
        copies.push((await timed(() => copyFiles(client, `COPY ${schema}.copy_baseline (${columns}) FROM STDIN WITH (FORMAT csv)`, files))).ms);
        await client.query(`DROP TABLE IF EXISTS ${stagingTable}`);
        stages.push((await timed(() => stage(loadRun, services, extract.result))).ms);
      }
      const stageRate = staged.result.rowsCopied / (median(stages) / 1000);
      const copyRate = staged.result.rowsCopied / (median(copies) / 1000);
      figure('data.stage_rate', { value: stageRate, unit: 'rows/s', baseline: copyRate, target: 'ratio>=0.9', check: (_v, r) => r >= 0.9 });

      const audited = await audit(loadRun, services, staged.result);
      const mergeSql = services.warehouse.dialect.mergeTransaction({
        strategy: 'merge', target: { schema, name: 'dst' }, staging: staged.result.staging, columns: extract.result.manifest.columns.map((c) => c.name), key: ['user_id'],
      }).find((s) => /^\s*MERGE/i.test(s.sql));

      // Merge phase vs the bare MERGE on the same staging and the same starting table, interleaved.
      const bare = [];
      const phase = [];
      for (let i = 0; i < REPEATS; i++) {
        await resetTarget(client);
        bare.push((await timed(() => client.query(mergeSql.sql, mergeSql.params))).ms);
        await resetTarget(client);
        // A run of its own each time: a merge finds an earlier attempt's audit row and merges nothing.
        const mergeRun = { ...loadRun, runId: `${loadRun.runId}.m${i}` };
        auditedRuns.push(mergeRun.runId);
        phase.push((await timed(() => merge(mergeRun, services, extract.result, staged.result, audited))).ms);
      }
      figure('data.merge', { value: median(phase) / 1000, unit: 's', baseline: median(bare) / 1000, target: 'ratio<=1.10', check: (_v, r) => r <= 1.1 });
      await cleanup(loadRun, services, { success: true });
    } finally {
      await services.close();
    }

    // End to end through the command, as a user runs it.
    await resetTarget(client);
    const pipelinesDir = path.join(dir, 'pipelines');
    await import('node:fs/promises').then((fs) => fs.mkdir(pipelinesDir));
    await writeFile(path.join(pipelinesDir, 'bench.yaml'), `id: bench\nloads:\n  - id: users\n    source: { table: ${schema}.src }\n    target: { table: ${schema}.dst, key: [user_id], strategy: merge, orderBy: updated_at }\n`);
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'packages/cli/bin/pipeline.js'), 'run', 'bench', '--full-refresh', '--json', '--pipelines', pipelinesDir], {
      cwd: root,
      env: { ...process.env, PIPELINE_WAREHOUSE_URL: url, PIPELINE_TEMP_DIR: path.join(dir, 'tmp') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const rss = watchPeakRss(child.pid);
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    const code = await new Promise((resolve) => child.on('close', resolve));
    const wallMs = performance.now() - t0;
    const peakMb = await rss.stop();
    if (code !== 0) throw new Error(`pipeline run exited ${code}: ${stdout.slice(0, 2000)}`);
    const report = JSON.parse(stdout);
    auditedRuns.push(report.runId);
    const phases = report.loads[0].phases;
    const inPhases = phases.reduce((sum, p) => sum + p.durationMs, 0);
    emit({ bench: 'data.e2e_wall', value: Math.round(wallMs) / 1000, unit: 's', phases: Object.fromEntries(phases.map((p) => [p.phase, Math.round(p.durationMs) / 1000])) });
    figure('data.e2e_overhead', { value: (wallMs - inPhases) / 1000, unit: 's', target: 'value<=1', check: (v) => v <= 1 });
    figure('data.peak_rss', { value: peakMb, unit: 'MB', target: 'value<=300', check: (v) => v <= 300 });
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    // The audit rows of this benchmark's runs.
    if (auditedRuns.length > 0) await client.query('DELETE FROM pipeline_audit.load_history WHERE run_id = ANY($1)', [auditedRuns]);
    await client.end();
    await rm(dir, { recursive: true, force: true });
  }
}
