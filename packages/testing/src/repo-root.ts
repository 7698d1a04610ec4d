import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The repository's root folder: the nearest folder above this package whose package.json
 * declares npm workspaces. Found from this file's location, so the working directory does not
 * matter.
 */
export function repoRoot(): string {
  cached ??= findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
  return cached;
}

export function findRepoRoot(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && hasWorkspaces(manifest)) return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`No package.json with "workspaces" above ${start}: run this from a checkout of the repository.`);
    }
  }
}

function hasWorkspaces(manifest: string): boolean {
  try {
    return 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object);
  } catch {
    return false;
  }
}
