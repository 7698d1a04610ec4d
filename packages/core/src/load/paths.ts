import os from 'node:os';
import path from 'node:path';
import { isS3Uri, joinUri } from '../storage/s3-uri.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { LoadRun, LoadServices } from './load-run.js';

/** Files of one load of one run: `<tempDir>/runs/<runId>/<loadId>`, a local path or an s3:// URI. */
export function loadDir(tempDir: string, run: Pick<LoadRun, 'runId' | 'load'>): string {
  return isS3Uri(tempDir) ? joinUri(tempDir, 'runs', run.runId, run.load.id) : path.join(tempDir, 'runs', run.runId, run.load.id);
}

/** A path or URI under a load's folder. */
export function underLoadDir(dir: string, ...parts: string[]): string {
  return isS3Uri(dir) ? joinUri(dir, ...parts) : path.join(dir, ...parts);
}

/**
 * A local folder for what the worker itself keeps of a load (the spec it sent, the job's log):
 * the load's folder when the temp dir is local, else one under the system's temp directory.
 */
export function localWorkDir(services: Pick<LoadServices, 'tempDir'>, run: Pick<LoadRun, 'runId' | 'load'>): string {
  return isS3Uri(services.tempDir) ? path.join(os.tmpdir(), 'pipeline', 'runs', run.runId, run.load.id) : loadDir(services.tempDir, run);
}

const localStore = new LocalObjectStore();

/** The store under the temp dir. */
export function storeOf(services: Pick<LoadServices, 'store'>): ObjectStore {
  return services.store ?? localStore;
}
