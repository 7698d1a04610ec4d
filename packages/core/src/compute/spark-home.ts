import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the repository root (the folder holding `spark/jobs/load_job.py`) by walking up from
 * `start`, by default this module's own location, so it works from sources and from builds.
 */
export function findRepoRoot(start: string = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'spark', 'jobs', 'load_job.py'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Paths local Spark needs, defaulting to the repository's venv. */
export function localSparkPaths(overrides: { sparkSubmit?: string | undefined; python?: string | undefined } = {}) {
  const root = findRepoRoot(process.cwd()) ?? findRepoRoot();
  const venvBin = root ? path.join(root, '.venv', 'bin') : undefined;
  const inVenv = (name: string) => (venvBin && existsSync(path.join(venvBin, name)) ? path.join(venvBin, name) : undefined);
  return {
    repoRoot: root,
    sparkDir: root ? path.join(root, 'spark') : undefined,
    sparkSubmit: overrides.sparkSubmit ?? inVenv('spark-submit') ?? 'spark-submit',
    python: overrides.python ?? inVenv('python') ?? 'python3',
  };
}
