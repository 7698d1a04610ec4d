import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, repoRoot, uniqueName } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const keyPrefix = uniqueName('serve').replace(/_/g, '-');
const token = `tok-${uniqueName('serve')}-0123456789`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cli-serve-'));
  await writeFile(path.join(dir, 'orders.yaml'), `id: orders\nloads:\n  - id: a\n    source: { table: public.orders_raw }\n    target: { table: analytics.orders, key: [id] }\n`);
  env = { ...process.env, PIPELINE_PIPELINES_DIR: dir, PIPELINE_KEY_PREFIX: keyPrefix };
  delete env.PIPELINE_API_TOKEN;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  // The server's queues leave their meta keys behind.
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const left = await redis.keys(`{${keyPrefix}}:*`);
  if (left.length > 0) await redis.del(...left);
  redis.disconnect();
});

describe('pipeline serve', () => {
  it.each([
    [['serve', '--host', '0.0.0.0'], /refusing to serve on 0\.0\.0\.0 without a token: set PIPELINE_API_TOKEN/],
    [['serve', '--port', 'http'], /--port "http" must be a port number/],
    [['serve', '--port', '70000'], /--port "70000" must be a port number/],
  ])('%j exits 2 before listening', async (args, message) => {
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  it('serves the API with the token until SIGTERM, and never logs the token', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(repoRoot(), 'packages/cli/bin/pipeline.js'), 'serve', '--host', '127.0.0.1', '--port', String(port)], {
      env: { ...env, PIPELINE_API_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let log = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    try {
      await expect.poll(() => out, { timeout: 15_000 }).toContain(`http://127.0.0.1:${port}`);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/api/v1/pipelines`)).status).toBe(401);
      const listed = await fetch(`${base}/api/v1/pipelines`, { headers: { authorization: `Bearer ${token}` } });
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { id: string }[]).map((p) => p.id)).toEqual(['orders']);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code, log).toBe(0);
    expect(log).toMatch(/API listening/);
    expect(log).not.toContain(token);
  }, 30_000);
});
