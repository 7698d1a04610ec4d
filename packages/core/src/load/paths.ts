import path from 'node:path';
import type { LoadRun } from './load-run.js';

/** Local files of one load of one run: `<tempDir>/runs/<runId>/<loadId>/`. */
export function loadDir(tempDir: string, run: Pick<LoadRun, 'runId' | 'load'>): string {
  return path.join(tempDir, 'runs', run.runId, run.load.id);
}
