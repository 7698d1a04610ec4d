import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirs } from '@pipeline/testing';
import { LocalSparkCompute } from './local-spark-compute.js';
import type { SparkJobSpec } from './spark-job.js';

const temp = tempDirs();
afterAll(() => temp.removeAll());

/**
 * A stand-in for spark-submit that behaves like the real launcher where it matters here: it
 * starts a long-lived child (the JVM, say) and prints as it goes.
 */
async function fakeSparkSubmit(dir: string, body: string): Promise<string> {
  const file = path.join(dir, 'spark-submit');
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

const spec = { runId: 'r', pipelineId: 'p', loadId: 'l' } as SparkJobSpec;

async function setup(body: string) {
  const dir = await temp.make('local-spark-');
  await mkdir(path.join(dir, 'spark', 'jobs'), { recursive: true });
  const compute = new LocalSparkCompute({
    sparkSubmit: await fakeSparkSubmit(dir, body),
    python: 'python3',
    sparkDir: path.join(dir, 'spark'),
    jdbcJar: '/dev/null',
    killGraceMs: 2_000,
  });
  return { dir, compute, workDir: path.join(dir, 'work') };
}

function alive(pid: number): boolean {
  return spawnSync('kill', ['-0', String(pid)]).status === 0;
}

describe('LocalSparkCompute', () => {
  it('writes the spec, streams output lines and keeps them in spark.log', async () => {
    const { compute, workDir } = await setup('echo "to stderr" >&2; for a in "$@"; do echo "arg $a"; done');
    const lines: string[] = [];
    const { externalId } = await compute.run({ spec, workDir, secretEnv: { PIPELINE_JDBC_PASSWORD: 'pw' } }, { onOutput: (line) => lines.push(line) });
    expect(externalId).toMatch(/^local:\d+$/);
    expect(lines).toContain('to stderr');
    expect(lines).toContain(`arg ${path.join(workDir, 'spec.json')}`);
    expect(JSON.parse(await readFile(path.join(workDir, 'spec.json'), 'utf8'))).toEqual(spec);
    expect(await readFile(path.join(workDir, 'spark.log'), 'utf8')).toContain('to stderr');
  });

  it('reports a failure with the last lines, and exit code 2 as bad input that retrying cannot fix', async () => {
    const failing = await setup('echo "Traceback: boom"; exit 1');
    await expect(failing.compute.run({ spec, workDir: failing.workDir })).rejects.toMatchObject({ code: 'E_SPARK_JOB', retryable: true, exitCode: 1, message: expect.stringContaining('Traceback: boom') });
    const rejected = await setup('echo "spec.source: give a table or a query" >&2; exit 2');
    await expect(rejected.compute.run({ spec, workDir: rejected.workDir })).rejects.toMatchObject({ code: 'E_SPARK_INPUT', retryable: false });
  });

  it('kills the whole process group when cancelled, children included', async () => {
    const { compute, workDir, dir } = await setup(`sleep 300 & echo $! > "${'$'}{PIDFILE}"; echo started; wait`);
    const pidFile = path.join(dir, 'child.pid');
    process.env.PIDFILE = pidFile;
    const controller = new AbortController();
    const running = compute.run({ spec, workDir }, { signal: controller.signal, onOutput: (line) => line === 'started' && controller.abort() });
    await expect(running).rejects.toMatchObject({ code: 'E_CANCELLED' });
    delete process.env.PIDFILE;
    const child = Number(await readFile(pidFile, 'utf8'));
    expect(child).toBeGreaterThan(0);
    await expect.poll(() => alive(child), { timeout: 5_000 }).toBe(false);
  });

  it('says how to fix a missing spark-submit', async () => {
    const compute = new LocalSparkCompute({ sparkSubmit: '/nonexistent/spark-submit', python: 'python3', sparkDir: '/tmp', jdbcJar: '/dev/null' });
    const workDir = await temp.make('local-spark-');
    await expect(compute.run({ spec, workDir })).rejects.toMatchObject({ code: 'E_SPARK_START', message: expect.stringContaining('npm run setup') });
  });
});
