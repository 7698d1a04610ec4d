import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A redis-server of one test, on its own port and data dir with the append-only file on, so
 * that it can be stopped and started again with its data, like a restarted production Redis.
 * Never the shared Redis: other suites use that one at the same time.
 */
export interface PrivateRedis {
  readonly url: string;
  /** Starts the server (again) on the same port and dir; resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGTERM: Redis flushes the append-only file and exits. Resolves once it has. */
  stop(): Promise<void>;
  /** Stops the server if it runs and removes its dir. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'worker-redis-'));
  let server: ChildProcess | undefined;

  const start = async () => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`redis-server on port ${port} exited (${code ?? signal}):\n${output}`)));
    });
  };

  const stop = async () => {
    const child = server;
    if (!child) return;
    const exited = waitForExit(child);
    child.kill('SIGTERM');
    await exited;
    server = undefined;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
