import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS, createLogger, loadDir, parsePipeline, type Config, type ExtractResult, type PipelineDefinition } from '@pipeline/core';
import { Orchestrator, QUEUE_KINDS, type RunRecord, type RunState } from '@pipeline/runs';
import { createTestSchema, getPostgresUrl, uniqueName } from '@pipeline/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { AUDIT_TABLE, type ColumnSpec } from '@pipeline/sql';
import { vi } from 'vitest';
import { startWorker, type PipelineWorker, type StartWorkerOptions } from '../start-worker.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * One test's world: its own PostgreSQL schema, Redis key prefix (queues, runs, heartbeats) and
 * temp dir, an orchestrator to create and cancel runs, and workers started in this process.
 */
export interface WorkerFixture {
  schema: string;
  keyPrefix: string;
  config: Config;
  redis: Redis;
  db: pg.Client;
  orchestrator: Orchestrator;
  pipeline(yaml: string): PipelineDefinition;
  /** One merge load from `customers_src` into `customers` keyed by id, with optional staging checks (YAML). */
  customersPipeline(stagingChecks?: string): PipelineDefinition;
  /**
   * Creates `customers` holding ids 1 and 9, with a trigger that makes every insert into it
   * take two seconds: long enough to act while a merge runs. Returns the columns of the rows a
   * fake extract writes for it.
   */
  slowCustomersTarget(): Promise<ColumnSpec[]>;
  /** The `customers` table, ordered by id. */
  customerRows(): Promise<{ id: number; email: string | null }[]>;
  /** Audit rows the run wrote to the load history. */
  auditRowCount(runId: string): Promise<number>;
  startWorker(options?: Partial<StartWorkerOptions>): Promise<PipelineWorker>;
  /** Resolves with the run once it is in one of `states`. */
  waitForRun(runId: string, states: RunState[], timeoutMs?: number): Promise<RunRecord>;
  /** Writes CSV rows and a manifest where the Spark job would, and returns the phase result it would. */
  fakeExtract(record: RunRecord, loadId: string, csv: string[], columns: ExtractResult['manifest']['columns']): Promise<ExtractResult>;
  teardown(): Promise<void>;
}

export async function createWorkerFixture(name: string): Promise<WorkerFixture> {
  const url = await getPostgresUrl();
  const { schema, drop } = await createTestSchema(url, name);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const keyPrefix = uniqueName('wk');
  const tempDir = await mkdtemp(path.join(os.tmpdir(), `${name}-`));
  const config: Config = { ...DEFAULTS, warehouse: { kind: 'postgres', url }, tempDir, logLevel: 'silent', redis: { url: REDIS_URL, keyPrefix } };
  const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent' });
  const redis = new Redis(REDIS_URL);
  const orchestrator = new Orchestrator({ redis, keyPrefix, logger });
  const workers: PipelineWorker[] = [];

  return {
    schema,
    keyPrefix,
    config,
    redis,
    db,
    orchestrator,
    pipeline: (yaml) => parsePipeline(`${name}.yaml`, yaml),
    customersPipeline: (stagingChecks = '[]') =>
      parsePipeline(
        `${name}.yaml`,
        `id: customers
loads:
  - id: customers
    source: { table: ${schema}.customers_src }
    target: { table: ${schema}.customers, key: [id], strategy: merge }
    checks:
      staging: ${stagingChecks}
`,
      ),
    async customerRows() {
      return (await db.query(`SELECT id::int, email FROM ${schema}.customers ORDER BY id`)).rows;
    },
    async auditRowCount(runId) {
      return (await db.query(`SELECT count(*)::int AS n FROM ${AUDIT_TABLE.schema}.${AUDIT_TABLE.name} WHERE run_id = $1`, [runId])).rows[0].n;
    },
    async slowCustomersTarget() {
      await db.query(`CREATE TABLE ${schema}.customers (id bigint PRIMARY KEY, email text)`);
      await db.query(`INSERT INTO ${schema}.customers VALUES (1, 'old@example.com'), (9, 'kept@example.com')`);
      await db.query(`CREATE FUNCTION ${schema}.slow_publish() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$`);
      await db.query(`CREATE TRIGGER slow_publish AFTER INSERT ON ${schema}.customers FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.slow_publish()`);
      return [
        { name: 'id', type: { kind: 'int64' }, nullable: false },
        { name: 'email', type: { kind: 'string' }, nullable: true },
      ];
    },
    async startWorker(options = {}) {
      const worker = await startWorker({ config, redis, keyPrefix, queues: ['spark', 'sql'], concurrency: 2, logger, heartbeatMs: 1_000, ...options });
      workers.push(worker);
      return worker;
    },
    async waitForRun(runId, states, timeoutMs = 60_000) {
      return vi.waitFor(
        async () => {
          const record = await orchestrator.store.require(runId);
          if (!states.includes(record.state)) throw new Error(`run ${runId} is ${record.state}, waiting for ${states.join('|')}`);
          return record;
        },
        { timeout: timeoutMs, interval: 100 },
      );
    },
    async fakeExtract(record, loadId, csv, columns) {
      const load = record.pipeline.loads.find((l) => l.id === loadId)!;
      const dir = loadDir(tempDir, { runId: record.runId, load });
      const outputDir = path.join(dir, 'data');
      await mkdir(outputDir, { recursive: true });
      await writeFile(path.join(outputDir, 'part-00000.csv'), csv.map((line) => `${line}\n`).join(''));
      const manifest = { rowsRead: csv.length, rowsWritten: csv.length, format: 'csv' as const, files: ['part-00000.csv'], columns };
      await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
      return { externalId: 'local:fabricated:0', outputDir, manifest };
    },
    async teardown() {
      await Promise.all(workers.map((w) => w.close({ force: true })));
      await Promise.all(QUEUE_KINDS.map((kind) => orchestrator.queue(kind).obliterate({ force: true })));
      await orchestrator.close();
      const keys = await redis.keys(`{${keyPrefix}}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await db.end();
      await drop();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}
