import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PipelineDefinition, LoadDefinition } from '../pipeline/pipeline-schema.js';
import { LoadInputError } from './load-input-error.js';
import { preflight } from './preflight.js';
import type { LoadRun, LoadServices, ParamValue, PhaseOptions } from './load-run.js';
import { runLoad, type LoadReport, type RunLoadHooks } from './run-load.js';

export interface PipelineRunRequest {
  runId: string;
  pipeline: PipelineDefinition;
  interval: { start: Date; end: Date } | null;
  params?: Record<string, ParamValue>;
  /** Directory transform paths are relative to. @defaultValue process.cwd() */
  baseDir?: string;
}

export interface PipelineReport {
  runId: string;
  pipelineId: string;
  state: 'success' | 'failed';
  interval: { start: string; end: string } | null;
  loads: (LoadReport | { loadId: string; state: 'upstream_failed' })[];
  durationMs: number;
}

/** Loads in dependency order (dependsOn), stable with respect to the file's order. */
export function orderLoads(loads: LoadDefinition[]): LoadDefinition[] {
  const done = new Set<string>();
  const ordered: LoadDefinition[] = [];
  while (ordered.length < loads.length) {
    const next = loads.find((l) => !done.has(l.id) && l.dependsOn.every((d) => done.has(d)));
    if (!next) {
      const cycle = loads.filter((l) => !done.has(l.id)).map((l) => l.id);
      throw new LoadInputError(`loads ${cycle.join(', ')} depend on each other in a cycle; break it in dependsOn`, { code: 'E_LOAD_CYCLE' });
    }
    ordered.push(next);
    done.add(next.id);
  }
  return ordered;
}

/** Builds the per-load runs, resolving transforms; throws before anything runs when one is missing. */
export function planLoads(request: PipelineRunRequest): LoadRun[] {
  const interval = request.interval ? { start: request.interval.start.toISOString(), end: request.interval.end.toISOString() } : null;
  return orderLoads(request.pipeline.loads).map((load) => ({
    runId: request.runId,
    pipelineId: request.pipeline.id,
    load,
    interval,
    params: { ...request.pipeline.params, ...load.params, ...request.params },
    transformPath: resolveTransform(load, request.baseDir),
  }));
}

/**
 * The absolute path of the load's transform, relative paths read from `baseDir` (the working
 * directory when not given), or null when it has none; throws when the file is missing.
 */
export function resolveTransform(load: LoadDefinition, baseDir: string = process.cwd()): string | null {
  if (!load.transform) return null;
  const transformPath = path.resolve(baseDir, load.transform.spark);
  if (!existsSync(transformPath)) {
    throw new LoadInputError(`load "${load.id}": transform ${load.transform.spark} not found (looked at ${transformPath})`, { code: 'E_TRANSFORM_NOT_FOUND' });
  }
  return transformPath;
}

/** Runs a whole pipeline in this process: each load's phases in dependency order. */
export async function runPipeline(request: PipelineRunRequest, services: LoadServices, options: PhaseOptions & RunLoadHooks = {}): Promise<PipelineReport> {
  const t0 = performance.now();
  const runs = planLoads(request);
  for (const run of runs) await preflight(run, services.warehouse, options.signal ? { signal: options.signal } : {});
  const failed = new Set<string>();
  const loads: PipelineReport['loads'] = [];
  for (const run of runs) {
    if (run.load.dependsOn.some((d) => failed.has(d))) {
      failed.add(run.load.id);
      loads.push({ loadId: run.load.id, state: 'upstream_failed' });
      continue;
    }
    const logger = services.logger.child({ runId: run.runId, pipelineId: run.pipelineId, loadId: run.load.id });
    const report = await runLoad(run, { ...services, logger }, options);
    if (report.state === 'failed') failed.add(run.load.id);
    loads.push(report);
  }
  return {
    runId: request.runId,
    pipelineId: request.pipeline.id,
    state: failed.size > 0 ? 'failed' : 'success',
    interval: runs[0]?.interval ?? null,
    loads,
    durationMs: performance.now() - t0,
  };
}
