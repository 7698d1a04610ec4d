import { rm } from 'node:fs/promises';
import type { SparkJobSpec, SparkManifest } from '../compute/spark-job.js';
import { SparkJobError } from '../compute/spark-job-error.js';
import { isS3Uri } from '../storage/s3-uri.js';
import { matchesByKey } from './keyed-target.js';
import type { ExtractResult } from './phase-results.js';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import { loadDir, localWorkDir, storeOf, underLoadDir } from './paths.js';

/** The job spec for a load: the contract with `spark/jobs/load_job.py`. */
export function sparkJobSpec(run: LoadRun, services: LoadServices): SparkJobSpec {
  const dir = loadDir(services.tempDir, run);
  const { source, target } = run.load;
  const dedupe = target.key.length > 0 && target.orderBy && matchesByKey(target);
  return {
    runId: run.runId,
    pipelineId: run.pipelineId,
    loadId: run.load.id,
    interval: run.interval && source.incrementalColumn ? run.interval : null,
    source: { table: source.table ?? null, query: source.query ?? null, incrementalColumn: source.incrementalColumn ?? null },
    // The connector's UNLOAD goes into the load's own folder, so cleanup removes it with the rest.
    read: services.read.kind === 'redshift' ? { ...services.read, tempdir: underLoadDir(dir, 'unload') } : services.read,
    transform: run.transformPath ? { path: run.transformPath } : null,
    params: run.params,
    dedupe: dedupe ? { key: target.key, orderBy: target.orderBy ?? [] } : null,
    // In S3 the files are for Redshift's COPY, which reads Parquet's NULLs, decimals and
    // timestamps exactly; locally they stream into PostgreSQL's COPY as CSV.
    output: { dir: underLoadDir(dir, 'data'), format: isS3Uri(dir) ? 'parquet' : 'csv' },
    manifestPath: underLoadDir(dir, 'manifest.json'),
  };
}

/** Phase 1: the Spark job reads the source, transforms it and writes files into the run's temp dir. */
export async function extractTransform(run: LoadRun, services: LoadServices, options: PhaseOptions = {}): Promise<ExtractResult> {
  const spec = sparkJobSpec(run, services);
  const log = services.logger.child({ phase: 'extract-transform' });
  const store = storeOf(services);
  const remote = isS3Uri(spec.manifestPath);
  // A retry must not read a previous attempt's manifest as its own. A remote job reconnected to
  // (see below) may have written it already, and the job itself replaces it when it starts.
  if (!remote) await rm(spec.manifestPath, { force: true });
  const { externalId, logUri } = await services.compute.run(
    {
      spec,
      workDir: localWorkDir(services, run),
      secretEnv: services.secretEnv,
      phase: 'extract-transform',
      ...(options.attempt ? { attempt: options.attempt } : {}),
      ...(options.previousExternalId ? { previousExternalId: options.previousExternalId } : {}),
    },
    {
      ...(options.signal ? { signal: options.signal } : {}),
      onSubmitted: (id) => log.info({ externalId: id }, 'spark job submitted'),
      onOutput: (line, stream) => log.debug({ stream }, line),
    },
  );
  if (!(await store.exists(spec.manifestPath))) {
    throw new SparkJobError(
      `the Spark job ${externalId} ended without writing its manifest ${spec.manifestPath}; if it ran before this run's files were cleaned up, retry the run so the job runs again`,
      { code: 'E_SPARK_MANIFEST', retryable: false },
    );
  }
  const manifest = JSON.parse((await store.get(spec.manifestPath)).toString('utf8')) as SparkManifest;
  log.info({ externalId, rowsRead: manifest.rowsRead, rowsWritten: manifest.rowsWritten }, 'spark job finished');
  return { externalId, outputDir: spec.output.dir, manifest, ...(logUri ? { logUri } : {}) };
}
