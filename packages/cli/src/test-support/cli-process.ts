import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '@pipeline/testing';

/** The built executable: tests that spawn it need `npx nx run-many -t build` first. */
export const CLI_BIN = path.join(repoRoot(), 'packages/cli/bin/pipeline.js');

export type OutputStream = 'stdout' | 'stderr';

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A `pipeline` child process with its output collected as it arrives. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout so far, as written. */
  stdout(): string;
  /** Everything written to stderr so far, as written. */
  stderr(): string;
  /** Every line of both streams so far, in arrival order, joined by newlines. */
  output(): string;
  /**
   * Resolves with the first line (of `stream`, or of either) that matches, including lines
   * already written; rejects if the process ends or `timeoutMs` passes first, with its output.
   */
  waitFor(pattern: RegExp, options?: { stream?: OutputStream; timeoutMs?: number }): Promise<string>;
  /**
   * Resolves once the process ended and both streams were read to the end (a grandchild that
   * inherited the pipes, such as a spark-submit, keeps it pending until it ends too).
   */
  readonly exited: Promise<CliExit>;
}

interface Line {
  stream: OutputStream;
  text: string;
}

interface Waiter {
  pattern: RegExp;
  matches(line: Line): boolean;
  settle(result: { line: string } | { error: Error }): void;
}

/** Spawns `node bin/pipeline.js <args>` from the repository root with exactly `env`. */
export function spawnCliProcess(args: readonly string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  const text: Record<OutputStream, string> = { stdout: '', stderr: '' };
  const lines: Line[] = [];
  const waiters = new Set<Waiter>();
  let ended: CliExit | undefined;

  for (const stream of ['stdout', 'stderr'] as const) {
    const readable = child[stream]!;
    // Decoded as UTF-8 by the stream, so a character split across chunks stays whole.
    readable.setEncoding('utf8');
    readable.on('data', (chunk: string) => (text[stream] += chunk));
    createInterface({ input: readable, crlfDelay: Infinity }).on('line', (line) => {
      const entry = { stream, text: line };
      lines.push(entry);
      for (const waiter of [...waiters]) if (waiter.matches(entry)) waiter.settle({ line });
    });
  }

  const output = () => lines.map((l) => l.text).join('\n');
  // 'close' rather than 'exit': by then every line the process wrote has been seen.
  const exited = new Promise<CliExit>((resolve) =>
    child.once('close', (code, signal) => {
      ended = { code, signal };
      for (const waiter of [...waiters]) waiter.settle({ error: new Error(`pipeline ${args[0]} ended (${code ?? signal}) before writing a line matching ${waiter.pattern}:\n${output()}`) });
      resolve(ended);
    }),
  );

  function waitFor(pattern: RegExp, options: { stream?: OutputStream; timeoutMs?: number } = {}): Promise<string> {
    const matches = (line: Line) => (options.stream === undefined || line.stream === options.stream) && pattern.test(line.text);
    const seen = lines.find(matches);
    if (seen) return Promise.resolve(seen.text);
    if (ended) return Promise.reject(new Error(`pipeline ${args[0]} ended (${ended.code ?? ended.signal}) without writing a line matching ${pattern}:\n${output()}`));
    return new Promise<string>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 30_000;
      const timer = setTimeout(() => waiter.settle({ error: new Error(`no line matching ${pattern} from pipeline ${args[0]} within ${timeoutMs} ms:\n${output()}`) }), timeoutMs);
      const waiter: Waiter = {
        pattern,
        matches,
        settle(result) {
          waiters.delete(waiter);
          clearTimeout(timer);
          if ('line' in result) resolve(result.line);
          else reject(result.error);
        },
      };
      waiters.add(waiter);
    });
  }

  return { child, stdout: () => text.stdout, stderr: () => text.stderr, output, waitFor, exited };
}
