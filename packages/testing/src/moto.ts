import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './free-port.js';
import { venvPython } from './venv-python.js';

export interface MotoServer {
  /** e.g. `http://127.0.0.1:40123`: pass it as the AWS SDK `endpoint`, or as AWS_ENDPOINT_URL. */
  endpoint: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const KEPT_OUTPUT_CHARS = 4_000;

/**
 * Starts moto's server (every AWS service it mocks, on one endpoint) from the repository's
 * virtualenv on a free port, and resolves once it answers HTTP. The server is killed by
 * `stop()`, or when this process exits.
 */
export async function startMoto(): Promise<MotoServer> {
  const python = venvPython();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitUntilListening(child);
    await fetch(`${endpoint}/moto-api/`);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw err;
  }

  return {
    endpoint,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// Werkzeug prints "Running on http://…" once its socket listens. The output is read for the
// server's whole life: moto logs every request, and a full pipe would block it.
function waitUntilListening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    const onOutput = (chunk: Buffer) => {
      if (ready) return;
      output = (output + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
      if (output.includes('Running on')) finish();
    };
    const onExit = (code: number | null, signal: string | null) => {
      finish(new Error(`moto's server exited before it listened (code ${code}, signal ${signal}):\n${output}`));
    };
    const onError = (err: Error) => finish(new Error(`Could not start moto's server: ${err.message}. Run npm run setup.`, { cause: err }));
    const timer = setTimeout(() => finish(new Error(`moto's server did not listen within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);

    function finish(err?: Error) {
      ready = true;
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      child.removeListener('error', onError);
      if (err) reject(err);
      else resolve();
    }

    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
