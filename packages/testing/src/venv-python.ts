import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo-root.js';

/** The Python interpreter of the repository's virtualenv (`<repo>/.venv`), where pyspark and moto live. */
export function venvPython(): string {
  const python = path.join(repoRoot(), '.venv', 'bin', 'python');
  if (!existsSync(python)) {
    throw new Error(`The Python virtualenv is missing (${python} not found): run npm run setup.`);
  }
  return python;
}
