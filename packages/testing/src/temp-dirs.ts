import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TempDirs {
  /** A new directory under the system's temp dir, its name starting with `prefix`. */
  make(prefix: string): Promise<string>;
  /** Removes every directory `make` created, with what is in it. */
  removeAll(): Promise<void>;
}

/**
 * Temporary directories of one test file, removed together once its tests are done:
 * `const temp = tempDirs(); afterAll(() => temp.removeAll());`.
 */
export function tempDirs(): TempDirs {
  const made: string[] = [];
  return {
    async make(prefix) {
      const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async removeAll() {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
