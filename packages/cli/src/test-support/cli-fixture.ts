import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, DEFAULTS, ENV, loadDir, type Config, type ExtractResult } from '@pipeline/core';
import { Orchestrator } from '@pipeline/runs';
import { createTestSchema, getPostgresUrl, uniqueName, type TestSchema } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { runCli } from '../cli-harness.js';
import { spawnCliProcess, type CliProcess } from './cli-process.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NAME = /^[a-z][a-z0-9_]{0,20}$/;

export interface CliFixtureOptions {
  /** Added to the environment of every command, after the fixture's own settings. */
  env?: NodeJS.ProcessEnv;
}

/**
 * One deployment for a test: its own key prefix, Redis connection and Orchestrator, PostgreSQL
 * schema and temp folder (`pipelines/` for definitions, `tmp/` for run files), and the `pipeline`
 * command's environment pointing at all of them.
 */
export interface CliFixture {
  readonly redis: Redis;
  readonly orchestrator: Orchestrator;
  readonly keyPrefix: string;
  readonly warehouseUrl: string;
  readonly schema: TestSchema;
  readonly pipelinesDir: string;
  readonly tempDir: string;
  /**
   * The command's environment: the test process's without any `PIPELINE_*` variable (a
   * developer's shell settings must not change what a test sees), plus this deployment.
   */
  readonly env: NodeJS.ProcessEnv;
  /** The same deployment as a `Config`, for services started in the test process. */
  readonly config: Config;
  /** Runs the command in-process with captured output. */
  runCli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }>;
  /** Spawns the built command; `teardown` kills it if it still runs. */
  spawnCli(args: string[], extraEnv?: NodeJS.ProcessEnv): CliProcess;
  /** Spawns `pipeline worker --queues sql <args>` and resolves once it logged that it started. */
  startWorker(args?: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliProcess>;
  /** Writes `<pipelinesDir>/<id>.yaml`. */
  writePipeline(id: string, yaml: string): Promise<void>;
  /**
   * A `customers` pipeline reading `<schema>.customers_src` (id, email) and merging by id into
   * `<schema>.customers`, with these staging checks (YAML flow text such as `[ { not_null: [email] } ]`).
   */
  customersYaml(stagingChecks: string): string;
  /**
   * Plays the Spark worker for the run's first load: marks extract-transform running, writes the
   * data file and manifest the job would (`csv` holds `id,email` rows without a header) and
   * records the phase's success, so that the run goes on with SQL phases only.
   */
  fakeExtract(runId: string, csv?: string): Promise<void>;
  /** Kills the commands still running, empties the queues, deletes the keys, schema and folders. */
  teardown(): Promise<void>;
}

/** The environment a command inherits from the test process, without this product's settings. */
function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PIPELINE_')));
}

/**
 * Creates a fixture whose names derive from `name` (lower-case letters, digits, underscores):
 * key prefix `cli-<name>-<hex>`, schema `cli_<name>_<hex>`. Call `teardown` in afterEach/afterAll.
 */
export async function createCliFixture(name: string, options: CliFixtureOptions = {}): Promise<CliFixture> {
  if (!NAME.test(name)) throw new Error(`Fixture name "${name}" must be lower-case letters, digits and underscores, starting with a letter, at most 21 characters.`);
  const warehouseUrl = await getPostgresUrl();
  const keyPrefix = uniqueName(`cli-${name}`).replace(/_/g, '-');
  const root = await mkdtemp(path.join(tmpdir(), `cli-${name}-`));
  const pipelinesDir = path.join(root, 'pipelines');
  const tempDir = path.join(root, 'tmp');
  let schema: TestSchema;
  try {
    await mkdir(pipelinesDir);
    await mkdir(tempDir);
    schema = await createTestSchema(warehouseUrl, `cli_${name}`);
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const orchestrator = new Orchestrator({ redis, keyPrefix, logger: createLogger({ level: 'silent' }) });
  const processes: CliProcess[] = [];

  const env: NodeJS.ProcessEnv = {
    ...inheritedEnv(),
    [ENV.redisUrl]: REDIS_URL,
    [ENV.keyPrefix]: keyPrefix,
    [ENV.warehouse]: 'postgres',
    [ENV.warehouseUrl]: warehouseUrl,
    [ENV.compute]: 'local',
    [ENV.tempDir]: tempDir,
    [ENV.pipelinesDir]: pipelinesDir,
    ...options.env,
  };
  const config: Config = {
    ...DEFAULTS,
    warehouse: { kind: 'postgres', url: warehouseUrl },
    pipelinesDir,
    tempDir,
    logLevel: 'silent',
    redis: { url: REDIS_URL, keyPrefix },
  };

  function spawnCli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): CliProcess {
    const proc = spawnCliProcess(args, { ...env, ...extraEnv });
    processes.push(proc);
    return proc;
  }

  async function fakeExtract(runId: string, csv = '1,one@example.com\n2,two@example.com\n'): Promise<void> {
    const record = await orchestrator.store.require(runId);
    const load = record.pipeline.loads[0]!;
    await orchestrator.markRunning(runId, load.id, 'extract-transform', { worker: 'test-spark', attempt: 1 });
    const dir = loadDir(tempDir, { runId, load });
    const outputDir = path.join(dir, 'data');
    await mkdir(outputDir, { recursive: true });
    await writeFile(path.join(outputDir, 'part-00000.csv'), csv);
    const rows = csv.split('\n').filter((line) => line !== '').length;
    const manifest: ExtractResult['manifest'] = {
      rowsRead: rows,
      rowsWritten: rows,
      format: 'csv',
      files: ['part-00000.csv'],
      columns: [
        { name: 'id', type: { kind: 'int64' }, nullable: false },
        { name: 'email', type: { kind: 'string' }, nullable: true },
      ],
    };
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const result: ExtractResult = { externalId: 'local:test-spark:0', outputDir, manifest };
    await orchestrator.completePhase(runId, load.id, 'extract-transform', result);
  }

  async function deleteKeys(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${keyPrefix}}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }

  return {
    redis,
    orchestrator,
    keyPrefix,
    warehouseUrl,
    schema,
    pipelinesDir,
    tempDir,
    env,
    config,
    runCli: (args, extraEnv = {}) => runCli(args, { ...env, ...extraEnv }),
    spawnCli,
    async startWorker(args = [], extraEnv = {}) {
      const worker = spawnCli(['worker', '--queues', 'sql', ...args], extraEnv);
      await worker.waitFor(/"msg":"worker started"/);
      return worker;
    },
    writePipeline: (id, yaml) => writeFile(path.join(pipelinesDir, `${id}.yaml`), yaml),
    customersYaml: (stagingChecks) => `id: customers
loads:
  - id: customers
    source: { table: ${schema.schema}.customers_src }
    target: { table: ${schema.schema}.customers, key: [id], strategy: merge }
    checks:
      staging: ${stagingChecks}
`,
    fakeExtract,
    async teardown() {
      await Promise.all(
        processes.splice(0).map(async (p) => {
          if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
          await p.exited;
        }),
      );
      await orchestrator.queue('spark').obliterate({ force: true });
      await orchestrator.queue('sql').obliterate({ force: true });
      await orchestrator.close();
      await deleteKeys();
      await redis.quit();
      await schema.drop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
