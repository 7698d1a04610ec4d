import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import { loadDir, storeOf } from './paths.js';
import { stagingTable } from './stage.js';

/**
 * Phase 6: drop the staging table and, after a success, the run's files (locally or under the
 * S3 prefix, the connector's UNLOAD included). After a failure the files stay for debugging; the
 * staging table is dropped either way since a rerun rebuilds it.
 */
export async function cleanup(run: LoadRun, services: LoadServices, outcome: { success: boolean }, options: PhaseOptions = {}): Promise<{ keptFiles: string | null; filesDeleted?: number }> {
  const { warehouse } = services;
  await warehouse.execute(warehouse.dialect.dropTableIfExists(stagingTable(run, services)), options);
  const dir = loadDir(services.tempDir, run);
  if (!outcome.success) return { keptFiles: dir };
  const filesDeleted = await storeOf(services).deletePrefix(dir);
  return { keptFiles: null, filesDeleted };
}
