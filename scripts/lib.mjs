// Helpers for the project's scripts. Node built-ins only: these run before `npm install`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const venv = path.join(root, '.venv');
export const venvPython = path.join(venv, 'bin', 'python');

export function log(message) {
  process.stderr.write(`» ${message}\n`);
}

/**
 * Runs a command; throws when it fails. Its output goes to stderr unless `stdio` says otherwise,
 * so that installing and building never mixes into what a script prints on stdout.
 */
export function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['inherit', 2, 2], ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return result;
}

function newer(a, b) {
  return existsSync(a) && existsSync(b) && statSync(a).mtimeMs > statSync(b).mtimeMs;
}

/** node_modules from the lock file, when missing or older than the lock. */
export function ensureNodeModules() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && !newer(path.join(root, 'package-lock.json'), marker)) return;
  log('installing node modules (npm ci)');
  sh('npm', ['ci', '--no-audit', '--no-fund']);
}

/** The Python venv with pyspark and the test tools, when missing or older than the requirements. */
export function ensureVenv() {
  const requirements = path.join(root, 'spark', 'requirements-dev.txt');
  const marker = path.join(venv, '.requirements-installed');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === readFileSync(requirements, 'utf8')) return;
  if (!existsSync(venvPython)) {
    log('creating the Python venv (.venv)');
    sh('python3', ['-m', 'venv', venv]);
  }
  log('installing Python packages (pyspark, pytest, moto, pyarrow)');
  sh(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
  sh('sh', ['-c', `cp "${requirements}" "${marker}"`]);
}

/** Java is needed by Spark; say how to get it rather than failing deep inside spark-submit. */
export function checkJava() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error('Java is required by Spark and was not found. Install a Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless).');
  }
}

/** The workspace's TypeScript, built. */
export function build() {
  log('building the TypeScript packages');
  sh('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static']);
}
