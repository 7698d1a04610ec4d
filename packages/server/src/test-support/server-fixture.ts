import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, DEFAULTS, type Config, type Logger } from '@pipeline/core';
import { Orchestrator, RunStore } from '@pipeline/runs';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { buildServer } from '../build-server.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A scheduled pipeline with two loads, b after a. */
export function pipelineYaml(id: string): string {
  return `id: ${id}
description: orders from the shop
schedule: { cron: "0 2 * * *", timezone: UTC, catchup: false, maxActiveRuns: 2 }
loads:
  - id: a
    source: { table: public.a_raw, incrementalColumn: updated_at }
    target: { table: analytics.a, key: [id] }
  - id: b
    source: { table: public.b_raw, incrementalColumn: updated_at }
    target: { table: analytics.b, key: [id] }
    dependsOn: [a]
`;
}

export interface ServerFixture {
  app: FastifyInstance;
  redis: Redis;
  keyPrefix: string;
  config: Config;
  store: RunStore;
  token: string;
  /** Everything the server logged, as written. */
  logText(): string;
  logger: Logger;
  teardown(): Promise<void>;
}

export interface ServerFixtureOptions {
  now?: () => Date;
  /** A definition (see `pipelineYaml`) is written for each. @defaultValue ['orders'] */
  pipelineIds?: string[];
  withoutToken?: boolean;
  secureCookies?: boolean;
}

/** A server on a fresh key prefix, pipelines directory and temp dir, logging into memory. */
export async function startServerFixture(options: ServerFixtureOptions = {}): Promise<ServerFixture> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const keyPrefix = `server-test-${randomBytes(4).toString('hex')}`;
  const root = await mkdtemp(path.join(tmpdir(), 'server-test-'));
  const pipelinesDir = path.join(root, 'pipelines');
  await mkdir(pipelinesDir);
  for (const id of options.pipelineIds ?? ['orders']) await writeFile(path.join(pipelinesDir, `${id}.yaml`), pipelineYaml(id));
  const config: Config = { ...DEFAULTS, pipelinesDir, tempDir: path.join(root, 'tmp'), logLevel: 'info', redis: { url: REDIS_URL, keyPrefix } };
  const chunks: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
  });
  const token = `tok-${randomBytes(16).toString('hex')}`;
  const app = await buildServer({
    config,
    redis,
    keyPrefix,
    logger,
    ...(options.withoutToken ? {} : { token }),
    ...(options.secureCookies ? { secureCookies: true } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    app,
    redis,
    keyPrefix,
    config,
    store: new RunStore(redis, { keyPrefix }),
    token,
    logger,
    logText: () => chunks.join(''),
    async teardown() {
      await app.close();
      const orchestrator = new Orchestrator({ redis, keyPrefix, logger: createLogger({ level: 'silent' }) });
      await orchestrator.queue('spark').obliterate({ force: true });
      await orchestrator.queue('sql').obliterate({ force: true });
      await orchestrator.close();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `{${keyPrefix}}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * One server for the tests of the enclosing `describe`: started in its `beforeAll`, torn down in
 * its `afterAll`. The object returned reads through to that server, so it can be used in hooks
 * registered after this call and in the tests.
 */
export function useServerFixture(options: ServerFixtureOptions = {}): ServerFixture {
  let fixture: ServerFixture | undefined;
  beforeAll(async () => {
    fixture = await startServerFixture(options);
  });
  afterAll(async () => {
    await fixture?.teardown();
    fixture = undefined;
  });
  const current = (): ServerFixture => {
    if (!fixture) throw new Error('The server fixture exists from the beforeAll of the describe that called useServerFixture to its afterAll: use it in tests and hooks, not while collecting tests.');
    return fixture;
  };
  return {
    get app() {
      return current().app;
    },
    get redis() {
      return current().redis;
    },
    get keyPrefix() {
      return current().keyPrefix;
    },
    get config() {
      return current().config;
    },
    get store() {
      return current().store;
    },
    get token() {
      return current().token;
    },
    get logger() {
      return current().logger;
    },
    logText: () => current().logText(),
    teardown: () => current().teardown(),
  };
}
