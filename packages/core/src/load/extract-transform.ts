import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SparkJobSpec, SparkManifest } from '../compute/spark-job.js';
import type { ExtractResult } from './phase-results.js';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import { loadDir } from './paths.js';

/** The job spec for a load: the contract with `spark/jobs/load_job.py`. */
export function sparkJobSpec(run: LoadRun, services: LoadServices): SparkJobSpec {
  const dir = loadDir(services.tempDir, run);
  const { source, target } = run.load;
  const dedupe = target.key.length > 0 && target.orderBy && (target.strategy === 'merge' || target.strategy === 'delete-insert');
  return {
    runId: run.runId,
    pipelineId: run.pipelineId,
    loadId: run.load.id,
    interval: run.interval && source.incrementalColumn ? run.interval : null,
    source: { table: source.table ?? null, query: source.query ?? null, incrementalColumn: source.incrementalColumn ?? null },
    read: services.read,
    transform: run.transformPath ? { path: run.transformPath } : null,
    params: run.params,
    dedupe: dedupe ? { key: target.key, orderBy: target.orderBy ?? [] } : null,
    output: { dir: path.join(dir, 'data'), format: 'csv' },
    manifestPath: path.join(dir, 'manifest.json'),
  };
}

/** Phase 1: the Spark job reads the source, transforms it and writes files into the run's temp dir. */
export async function extractTransform(run: LoadRun, services: LoadServices, options: PhaseOptions = {}): Promise<ExtractResult> {
  const spec = sparkJobSpec(run, services);
  const log = services.logger.child({ phase: 'extract-transform' });
  // A retry must not read a previous attempt's manifest as its own.
  await rm(spec.manifestPath, { force: true });
  const { externalId } = await services.compute.run(
    { spec, workDir: loadDir(services.tempDir, run), secretEnv: services.secretEnv },
    {
      ...(options.signal ? { signal: options.signal } : {}),
      onSubmitted: (id) => log.info({ externalId: id }, 'spark job submitted'),
      onOutput: (line, stream) => log.debug({ stream }, line),
    },
  );
  const manifest = JSON.parse(await readFile(spec.manifestPath, 'utf8')) as SparkManifest;
  log.info({ externalId, rowsRead: manifest.rowsRead, rowsWritten: manifest.rowsWritten }, 'spark job finished');
  return { externalId, outputDir: spec.output.dir, manifest };
}
