import { rm } from 'node:fs/promises';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import { loadDir } from './paths.js';
import { stagingTable } from './stage.js';

/**
 * Phase 6: drop the staging table and, after a success, the run's files. After a failure the
 * files stay for debugging; the staging table is dropped either way since a rerun rebuilds it.
 */
export async function cleanup(run: LoadRun, services: LoadServices, outcome: { success: boolean }, options: PhaseOptions = {}): Promise<{ keptFiles: string | null }> {
  const { warehouse } = services;
  await warehouse.execute(warehouse.dialect.dropTableIfExists(stagingTable(run, services)), options);
  const dir = loadDir(services.tempDir, run);
  if (outcome.success) {
    await rm(dir, { recursive: true, force: true });
    return { keptFiles: null };
  }
  return { keptFiles: dir };
}
