import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { extractTransform, isProcessAlive, sparkJobSpec, waitForLocalJob, type ExtractResult, type LoadRun, type LoadServices, type SparkManifest } from '@pipeline/core';
import { parseLocalExternalId } from './local-external-id.js';

async function readManifest(manifestPath: string): Promise<SparkManifest | null> {
  try {
    return JSON.parse(await readFile(manifestPath, 'utf8')) as SparkManifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Phase 1, or the rest of it. When an earlier attempt's spark-submit (recorded as
 * `local:<this host>:<pid>`) is still running, a second job must not start on the same files:
 * wait for that process and take its manifest. If it ended without one, it failed, and the job
 * starts again.
 */
export async function extractOrReattach(
  run: LoadRun,
  services: LoadServices,
  previousExternalId: string | undefined,
  options: { signal: AbortSignal; attempt?: number },
): Promise<ExtractResult> {
  const local = parseLocalExternalId(previousExternalId);
  if (local && local.host === hostname() && isProcessAlive(local.pid)) {
    const log = services.logger.child({ phase: 'extract-transform', externalId: previousExternalId });
    log.info('the earlier attempt\'s spark-submit is still running; waiting for it instead of starting another');
    await waitForLocalJob(local.pid, { signal: options.signal });
    const spec = sparkJobSpec(run, services);
    const manifest = await readManifest(spec.manifestPath);
    if (manifest) return { externalId: previousExternalId!, outputDir: spec.output.dir, manifest };
    log.warn('the earlier spark-submit ended without a manifest; starting the job again');
  }
  // A remote compute reconnects to the earlier attempt's step or job run itself.
  const remote = services.compute.kind !== 'local' && previousExternalId ? { previousExternalId } : {};
  return extractTransform(run, services, { signal: options.signal, ...(options.attempt ? { attempt: options.attempt } : {}), ...remote });
}
