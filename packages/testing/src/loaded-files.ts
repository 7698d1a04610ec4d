import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Preloaded with --import: lists every file the process loads and writes the list to
 * $LOADED_FILES_OUT at exit. A resolve hook (on the loader thread) sees every ES module and every
 * CommonJS entry imported from one; require.cache holds what CommonJS packages require.
 */
const RECORD_LOADED = `
import { writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
port1.unref();
const hook = 'let port; export function initialize(data) { port = data.port; } export async function resolve(specifier, context, next) { const resolved = await next(specifier, context); port.postMessage(resolved.url); return resolved; }';
register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => {
  const files = Object.keys(createRequire(process.cwd() + '/').cache);
  for (let m; (m = receiveMessageOnPort(port1)); ) if (m.message.startsWith('file:')) files.push(fileURLToPath(m.message));
  writeFileSync(process.env.LOADED_FILES_OUT, JSON.stringify(files));
});
`;

export interface LoadedFiles {
  /** The process's exit code. */
  code: number;
  stdout: string;
  /** Absolute paths of every module file it loaded. */
  files: string[];
}

/**
 * Runs a fresh `node <args>` and lists the files it loads: how a test proves that a program
 * does not load what it does not use (the AWS SDK for `pipeline --help`, say). NODE_OPTIONS is
 * cleared, since a test runner's may carry the condition that points packages at their
 * TypeScript sources: what runs is what the build produced.
 */
export async function loadedFiles(args: readonly string[], options: { cwd?: string } = {}): Promise<LoadedFiles> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'loaded-files-'));
  try {
    const out = path.join(dir, 'files.json');
    const env = { ...process.env, NODE_OPTIONS: '', LOADED_FILES_OUT: out };
    const argv = ['--import', `data:text/javascript,${encodeURIComponent(RECORD_LOADED)}`, ...args];
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, argv, { env, ...(options.cwd ? { cwd: options.cwd } : {}) }, (err, stdout) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout });
      });
    });
    return { code, stdout, files: JSON.parse(await readFile(out, 'utf8')) as string[] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
