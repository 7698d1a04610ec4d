import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SparkJobError } from './spark-job-error.js';
import type { Compute, SparkJobRequest, SparkRunOptions } from './spark-job.js';

export interface LocalSparkOptions {
  sparkSubmit: string;
  python: string;
  /** The repository's `spark/` folder: job entry points and the pipeline_spark package. */
  sparkDir: string;
  /** @defaultValue "local[2]" */
  master?: string;
  jdbcJar: string;
  /** Driver memory for local mode. @defaultValue "2g" */
  driverMemory?: string;
  /** Grace between SIGTERM and SIGKILL when cancelling. @defaultValue 10_000 */
  killGraceMs?: number;
}

const TAIL_LINES = 40;

/**
 * Runs the load job with spark-submit in local mode, in its own process group so that cancelling
 * stops the JVM and every Python worker it started, not only the launcher.
 */
export class LocalSparkCompute implements Compute {
  readonly kind = 'local' as const;

  constructor(private readonly options: LocalSparkOptions) {}

  async run(request: SparkJobRequest, runOptions: SparkRunOptions = {}): Promise<{ externalId: string }> {
    const { signal } = runOptions;
    signal?.throwIfAborted();
    await mkdir(request.workDir, { recursive: true });
    const specPath = path.join(request.workDir, 'spec.json');
    await writeFile(specPath, JSON.stringify(request.spec, null, 2));
    const log = createWriteStream(path.join(request.workDir, 'spark.log'), { flags: 'a' });
    const utc = '-Duser.timezone=UTC';
    const args = [
      '--master', this.options.master ?? 'local[2]',
      '--driver-memory', this.options.driverMemory ?? '2g',
      '--driver-java-options', utc,
      '--conf', `spark.executor.extraJavaOptions=${utc}`,
      '--conf', 'spark.ui.enabled=false',
      '--conf', 'spark.sql.session.timeZone=UTC',
      '--jars', this.options.jdbcJar,
      path.join(this.options.sparkDir, 'jobs', 'load_job.py'),
      '--spec', specPath,
    ];
    const child = spawn(this.options.sparkSubmit, args, {
      cwd: path.dirname(this.options.sparkDir),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...request.secretEnv,
        PYSPARK_PYTHON: this.options.python,
        PYSPARK_DRIVER_PYTHON: this.options.python,
        PYTHONPATH: [this.options.sparkDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
        PIPELINE_JDBC_JAR: this.options.jdbcJar,
        TZ: 'UTC',
      },
    });
    const tail: string[] = [];
    const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
      log.write(`${line}\n`);
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      runOptions.onOutput?.(line, stream);
    };
    createInterface({ input: child.stdout }).on('line', onLine('stdout'));
    createInterface({ input: child.stderr }).on('line', onLine('stderr'));

    const externalId = `local:${child.pid ?? 'unknown'}`;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = () => {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      killTimer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, this.options.killGraceMs ?? 10_000);
      killTimer.unref();
    };
    signal?.addEventListener('abort', kill, { once: true });

    try {
      const exit = new Promise<{ code: number | null; sig: NodeJS.Signals | null }>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, sig) => resolve({ code, sig }));
      });
      if (child.pid !== undefined) await runOptions.onSubmitted?.(externalId);
      let result: { code: number | null; sig: NodeJS.Signals | null };
      try {
        result = await exit;
      } catch (err) {
        throw new SparkJobError(`cannot start ${this.options.sparkSubmit}: ${(err as Error).message}. Run "npm run setup" to create the Python venv with pyspark, or set PIPELINE_SPARK_SUBMIT.`, {
          code: 'E_SPARK_START',
          retryable: false,
          cause: err,
        });
      }
      if (signal?.aborted) throw new SparkJobError('Spark job cancelled', { code: 'E_CANCELLED', retryable: false, exitCode: result.code, outputTail: tail });
      if (result.code !== 0) {
        const badSpec = result.code === 2;
        throw new SparkJobError(
          `Spark job ${badSpec ? 'rejected its input' : 'failed'} (exit ${result.code ?? result.sig}); last output:\n${tail.slice(-12).join('\n')}`,
          { code: badSpec ? 'E_SPARK_INPUT' : 'E_SPARK_JOB', retryable: !badSpec, exitCode: result.code, outputTail: tail },
        );
      }
      return { externalId };
    } finally {
      signal?.removeEventListener('abort', kill);
      if (killTimer) clearTimeout(killTimer);
      await new Promise<void>((resolve) => log.end(resolve));
    }
  }
}
