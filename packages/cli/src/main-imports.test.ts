import { fileURLToPath } from 'node:url';
import { loadedFiles } from '@pipeline/testing';
import { describe, expect, it } from 'vitest';

// `pipeline --help` and the other answers commander gives by itself must not load what the
// commands need (the API server, the scheduler, the worker, BullMQ, the AWS SDK, pg…): main.ts
// imports each command's module in its action, and takes what it needs itself from the light
// entries `@pipeline/core/errors`, `@pipeline/core/redact` and `@pipeline/runs/input`. Checked on
// the built command (the test target builds it first).

/** What main.ts itself loads: its own modules and those three entries, and commander. */
const MAIN_NEEDS = ['@pipeline/cli', '@pipeline/core', '@pipeline/runs', 'commander'];
const HEAVY = /^(@aws-sdk\/|@smithy\/|pg$|pg-|ioredis$|bullmq$|fastify$|@fastify\/|@bull-board\/)/;

const bin = fileURLToPath(new URL('../bin/pipeline.js', import.meta.url));

/** What `pipeline <args>` prints and exits with, and the packages it loads: npm packages by name, ours as `@pipeline/<folder>`. */
async function pipeline(...args: string[]): Promise<{ code: number; stdout: string; packages: string[] }> {
  const { code, stdout, files } = await loadedFiles([bin, ...args]);
  const packages = new Set<string>();
  for (const file of files) {
    const external = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file);
    const ours = /[\\/]packages[\\/]([^\\/]+)[\\/](?:dist|bin)[\\/]/.exec(file);
    if (external) packages.add(external[1]!.replace('\\', '/'));
    else if (ours) packages.add(`@pipeline/${ours[1]}`);
  }
  return { code, stdout, packages: [...packages].sort() };
}

describe('the pipeline command', () => {
  it('answers --help without loading any command', async () => {
    const { code, stdout, packages } = await pipeline('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: pipeline \[options\] \[command\]/);
    expect(packages).toEqual(MAIN_NEEDS);
  });

  it("answers a command's --help without loading it", async () => {
    const { code, stdout, packages } = await pipeline('status', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: pipeline status \[options\] <runId>/);
    expect(packages).toEqual(MAIN_NEEDS);
  });

  it('runs a pipeline in this process without loading the queues', async () => {
    // Refused once run's module is loaded: the pipelines directory has no such pipeline.
    const { code, packages } = await pipeline('run', 'no-such-pipeline', '--pipelines', fileURLToPath(new URL('../../../pipelines', import.meta.url)));
    expect(code).toBe(2);
    expect(packages).toContain('@pipeline/sql');
    expect(packages.filter((name) => HEAVY.test(name))).toEqual([]);
  });

  it('(the check sees what a command loads once it runs)', async () => {
    // Refused once serve's module is loaded, before anything starts.
    const { code, packages } = await pipeline('serve', '--port', 'not-a-port');
    expect(code).toBe(2);
    expect(packages).toContain('@pipeline/server');
    expect(packages).toContain('fastify');
  });
});
