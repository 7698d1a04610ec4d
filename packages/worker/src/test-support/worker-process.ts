import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../../../..');
const CLI = path.join(REPO_ROOT, 'packages/cli/bin/pipeline.js');
const OUTPUT_LINES = 200;

function isJsonLine(line: string): boolean {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}

/** A `pipeline worker` running in its own process, as in production. */
export interface WorkerProcess {
  readonly pid: number;
  /** The worker id the process records on the phases it runs (the CLI's default). */
  readonly workerId: string;
  /** Resolves with the exit code or signal once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines it wrote to stdout and stderr, for assertion messages. */
  output(): string;
  /** Every line it wrote that is not a JSON log line. */
  unstructuredOutput(): string[];
  kill(signal: NodeJS.Signals): void;
}

export interface WorkerProcessEnv {
  redisUrl: string;
  keyPrefix: string;
  warehouseUrl: string;
  tempDir: string;
  pipelinesDir: string;
}

/**
 * Starts worker processes through the built CLI and kills whatever is left of them in
 * `killAll`, so that a failed test leaves no worker behind taking jobs.
 */
export class WorkerProcesses {
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly env: WorkerProcessEnv) {}

  /** Resolves once the worker logged that it listens on its queues; rejects if it exits first. */
  async start(args: string[] = []): Promise<WorkerProcess> {
    if (!existsSync(path.join(REPO_ROOT, 'packages/cli/dist/main.js'))) {
      throw new Error('the pipeline CLI is not built: run "npx tsc -b" in the repository root (nx test does it through the build target)');
    }
    const child = spawn(process.execPath, [CLI, 'worker', '--log-level', 'info', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        REDIS_URL: this.env.redisUrl,
        PIPELINE_KEY_PREFIX: this.env.keyPrefix,
        PIPELINE_WAREHOUSE: 'postgres',
        PIPELINE_WAREHOUSE_URL: this.env.warehouseUrl,
        PIPELINE_TEMP_DIR: this.env.tempDir,
        PIPELINE_PIPELINES_DIR: this.env.pipelinesDir,
        PIPELINE_COMPUTE: 'local',
      },
    });
    this.children.add(child);
    const lines: string[] = [];
    const unstructured: string[] = [];
    const output = () => lines.join('\n');
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => {
        this.children.delete(child);
        resolve({ code, signal });
      });
    });
    await new Promise<void>((resolve, reject) => {
      const onLine = (line: string) => {
        if (!line) return;
        lines.push(line);
        if (!isJsonLine(line)) unstructured.push(line);
        if (lines.length > OUTPUT_LINES) lines.shift();
        if (line.includes('"msg":"worker started"')) resolve();
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      child.once('error', reject);
      void exited.then(({ code, signal }) => reject(new Error(`worker process exited (${code ?? signal}) before it started:\n${output()}`)));
    });
    return {
      pid: child.pid!,
      workerId: `${hostname()}-${child.pid}`,
      exited,
      output,
      unstructuredOutput: () => [...unstructured],
      kill: (signal) => child.kill(signal),
    };
  }

  /** SIGKILLs every worker process still running and waits for them to end. */
  async killAll(): Promise<void> {
    await Promise.all(
      [...this.children].map(async (child) => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      }),
    );
  }
}
