import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { DoubleCluster, DoubleStep, FailureDetails } from './emr-double-model.js';
import { S3Mirror } from './s3-mirror.js';

export interface StepRunnerOptions {
  s3: S3Client;
  /** Each step gets `<mirrorRoot>/<stepId>/`: its S3 mirror under `s3/`, its working directory and logs. */
  mirrorRoot: string;
  sparkSubmit: string;
  python: string;
  jdbcJar: string | undefined;
  env: Record<string, string | undefined>;
}

export interface StepOutcome {
  ok: boolean;
  failure?: FailureDetails;
}

const TAIL_LINES = 50;

/** Drops the cluster-only `--deploy-mode <mode>`: the stand-in runs the driver locally. */
function localArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--deploy-mode') i += 1;
    else out.push(args[i]!);
  }
  return out;
}

/** The job's own error line (load_job logs JSON with level "error"), else the last line printed. */
function describeFailure(tail: string[], exitCode: number | null, signal: string | null): { Reason: string; Message: string } {
  for (const line of [...tail].reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const record = JSON.parse(line) as { level?: string; code?: string; msg?: string; detail?: string };
      if (record.level === 'error') return { Reason: record.code ?? 'Unknown Error.', Message: [record.msg, record.detail].filter(Boolean).join(': ') };
    } catch {
      // not one of the job's lines
    }
  }
  const last = [...tail].reverse().find((line) => line.trim() !== '') ?? '';
  return { Reason: `spark-submit exited with ${exitCode ?? signal}`, Message: last };
}

function s3Location(uri: string): { bucket: string; key: string } {
  const match = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an S3 URI: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

/**
 * Runs one `command-runner.jar spark-submit …` step as a local spark-submit in its own process
 * group: the S3 objects its arguments name are mirrored to local files first, the arguments
 * (the spec JSON included) are rewritten to those files, and what the job wrote is copied back
 * to S3 when it exits. Logs go to the step folder and, gzipped, to the cluster's LogUri as EMR
 * lays them out (`<LogUri>/<clusterId>/steps/<stepId>/stderr.gz`).
 */
export async function runStep(step: DoubleStep, cluster: DoubleCluster, options: StepRunnerOptions): Promise<StepOutcome> {
  const workDir = path.join(options.mirrorRoot, step.id);
  const logFile = cluster.logUri ? `${cluster.logUri.replace(/\/+$/, '')}/${cluster.id}/steps/${step.id}/stderr.gz` : pathToFileURL(path.join(workDir, 'stderr')).href;
  if (step.jar !== 'command-runner.jar' || step.args[0] !== 'spark-submit') {
    return { ok: false, failure: { Reason: 'Unsupported step', Message: 'the stand-in runs only command-runner.jar spark-submit steps', LogFile: logFile } };
  }
  const containerDir = path.join(workDir, 'container');
  await mkdir(containerDir, { recursive: true });
  const mirror = new S3Mirror(options.s3, path.join(workDir, 's3'));
  const args = localArgs(step.args.slice(1));
  try {
    await mirror.pull(args);
  } catch (err) {
    return { ok: false, failure: { Reason: 'S3 download failed', Message: (err as Error).message, LogFile: logFile } };
  }
  if (step.cancelRequested) return { ok: false };

  const stdout = createWriteStream(path.join(workDir, 'stdout'));
  const stderr = createWriteStream(path.join(workDir, 'stderr'));
  const tail: string[] = [];
  const child = spawn(
    options.sparkSubmit,
    ['--master', 'local[2]', '--conf', 'spark.ui.enabled=false', ...(options.jdbcJar ? ['--jars', options.jdbcJar] : []), ...args.map((arg) => mirror.rewrite(arg))],
    {
      cwd: containerDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...options.env,
        // On a cluster the job finds its package in the --py-files zip only.
        PYTHONPATH: undefined,
        PYSPARK_PYTHON: options.python,
        PYSPARK_DRIVER_PYTHON: options.python,
        TZ: 'UTC',
      },
    },
  );
  step.process = child;
  step.pid = child.pid;
  createInterface({ input: child.stdout }).on('line', (line) => stdout.write(`${line}\n`));
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.write(`${line}\n`);
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  });
  const exit = await new Promise<{ code: number | null; signal: string | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  step.process = undefined;
  await Promise.all([new Promise((resolve) => stdout.end(resolve)), new Promise((resolve) => stderr.end(resolve))]);

  let syncError: Error | undefined;
  try {
    // Also after a failure: on EMR the job writes (and deletes) in S3 directly.
    await mirror.push();
    if (cluster.logUri) {
      const { bucket, key } = s3Location(cluster.logUri);
      for (const name of ['stdout', 'stderr']) {
        const body = gzipSync(await readFile(path.join(workDir, name)));
        const objectKey = [key.replace(/\/+$/, ''), cluster.id, 'steps', step.id, `${name}.gz`].filter(Boolean).join('/');
        await options.s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: body }));
      }
    }
  } catch (err) {
    syncError = err as Error;
  }
  if (exit.error) return { ok: false, failure: { Reason: 'spark-submit could not start', Message: exit.error.message, LogFile: logFile } };
  if (exit.code === 0 && !syncError) return { ok: true };
  if (exit.code === 0) return { ok: false, failure: { Reason: 'S3 upload failed', Message: syncError!.message, LogFile: logFile } };
  return { ok: false, failure: { ...describeFailure(tail, exit.code, exit.signal), LogFile: logFile } };
}
