import { Writable } from 'node:stream';
import { main } from './main.js';

/** Runs the command in-process with captured output: for tests. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await main(['node', 'pipeline', ...args], { out: sink((s) => (out += s)), err: sink((s) => (err += s)), env });
  return { code, out, err };
}
