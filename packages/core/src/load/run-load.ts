import { PipelineError } from '../errors/pipeline-error.js';
import { audit } from './audit.js';
import { cleanup } from './cleanup.js';
import { extractTransform } from './extract-transform.js';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import { merge } from './merge.js';
import type { LoadPhase } from './phase-names.js';
import type { AuditResult, ExtractResult, MergeResult, StageResult, ValidateResult } from './phase-results.js';
import { stage } from './stage.js';
import { validate } from './validate.js';

export type PhaseState = 'success' | 'failed' | 'skipped';

export interface PhaseReport {
  phase: LoadPhase;
  state: PhaseState;
  startedAt: string | null;
  durationMs: number;
  error?: { code: string; message: string };
}

export interface LoadReport {
  loadId: string;
  state: 'success' | 'failed';
  phases: PhaseReport[];
  extract?: ExtractResult;
  stage?: StageResult;
  audit?: AuditResult;
  merge?: MergeResult;
  validate?: ValidateResult;
  /** Where the run's files were kept after a failure. */
  keptFiles?: string | null;
  error?: unknown;
}

export interface RunLoadHooks {
  onPhaseStart?: (loadId: string, phase: LoadPhase) => void;
  onPhaseEnd?: (loadId: string, report: PhaseReport) => void;
}

function errorSummary(err: unknown): { code: string; message: string } {
  if (err instanceof PipelineError) return { code: err.code, message: err.message };
  return { code: 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/**
 * Runs every phase of one load in this process, in order; the first failure skips the rest and
 * cleanup still runs. Each phase is the same function a worker runs, fed the previous results.
 */
export async function runLoad(run: LoadRun, services: LoadServices, options: PhaseOptions & RunLoadHooks = {}): Promise<LoadReport> {
  const report: LoadReport = { loadId: run.load.id, state: 'success', phases: [] };
  const step = async <T>(phase: LoadPhase, work: () => Promise<T>): Promise<T | undefined> => {
    if (report.state === 'failed') {
      report.phases.push({ phase, state: 'skipped', startedAt: null, durationMs: 0 });
      return undefined;
    }
    options.onPhaseStart?.(run.load.id, phase);
    const startedAt = new Date();
    const t0 = performance.now();
    try {
      const result = await work();
      const phaseReport: PhaseReport = { phase, state: 'success', startedAt: startedAt.toISOString(), durationMs: performance.now() - t0 };
      report.phases.push(phaseReport);
      options.onPhaseEnd?.(run.load.id, phaseReport);
      return result;
    } catch (err) {
      const phaseReport: PhaseReport = { phase, state: 'failed', startedAt: startedAt.toISOString(), durationMs: performance.now() - t0, error: errorSummary(err) };
      report.phases.push(phaseReport);
      report.state = 'failed';
      report.error = err;
      options.onPhaseEnd?.(run.load.id, phaseReport);
      return undefined;
    }
  };
  const phaseOptions: PhaseOptions = options.signal ? { signal: options.signal } : {};
  report.extract = await step('extract-transform', () => extractTransform(run, services, phaseOptions));
  report.stage = await step('stage', () => stage(run, services, report.extract!, phaseOptions));
  report.audit = await step('audit', () => audit(run, services, report.stage!, phaseOptions));
  report.merge = await step('merge', () => merge(run, services, report.extract!, report.stage!, report.audit!, phaseOptions));
  report.validate = await step('validate', () => validate(run, services, report.extract!, report.stage!, phaseOptions));

  // Cleanup runs whatever happened before it; its own failure is reported, not hidden.
  const succeeded = report.state === 'success';
  const startedAt = new Date();
  const t0 = performance.now();
  options.onPhaseStart?.(run.load.id, 'cleanup');
  try {
    const { keptFiles } = await cleanup(run, services, { success: succeeded });
    report.keptFiles = keptFiles;
    const phaseReport: PhaseReport = { phase: 'cleanup', state: 'success', startedAt: startedAt.toISOString(), durationMs: performance.now() - t0 };
    report.phases.push(phaseReport);
    options.onPhaseEnd?.(run.load.id, phaseReport);
  } catch (err) {
    const phaseReport: PhaseReport = { phase: 'cleanup', state: 'failed', startedAt: startedAt.toISOString(), durationMs: performance.now() - t0, error: errorSummary(err) };
    report.phases.push(phaseReport);
    options.onPhaseEnd?.(run.load.id, phaseReport);
    if (succeeded) {
      report.state = 'failed';
      report.error = err;
    }
  }
  return report;
}
