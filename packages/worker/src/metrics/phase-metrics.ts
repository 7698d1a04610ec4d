import { ChecksFailedError, type LoadPhase, type MergeResult } from '@pipeline/core';
import type { QueueKind } from '@pipeline/runs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RunningPhases } from '../running-phases.js';

/**
 * How an attempt that ran ended: `retry` failed with attempts left, `failed` failed for good,
 * `handed-back` was given back to the queue on shutdown.
 */
export type AttemptOutcome = 'success' | 'failed' | 'retry' | 'cancelled' | 'handed-back';

/** One attempt that ran, as the processor saw it end. */
export interface EndedAttempt {
  pipelineId: string;
  loadId: string;
  phase: LoadPhase;
  outcome: AttemptOutcome;
  seconds: number;
  /** The phase's result, on success. */
  result?: unknown;
  /** What the phase threw, otherwise. */
  error?: unknown;
}

// Phases take from under a second (a small audit) to hours (a Spark job over a large backfill).
const DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400, 28_800];

/** The worker's own metrics: what its phases did. Counted in this process; sum them across workers. */
export class PhaseMetrics {
  private readonly duration: Histogram<'pipeline' | 'phase' | 'outcome'>;
  private readonly attempts: Counter<'pipeline' | 'phase' | 'outcome'>;
  private readonly rowsMerged: Counter<'pipeline' | 'load'>;
  private readonly checkFailures: Counter<'pipeline' | 'load' | 'check'>;

  constructor(registry: Registry, running: RunningPhases, queues: readonly QueueKind[]) {
    const registers = [registry];
    this.duration = new Histogram({
      name: 'pipeline_phase_duration_seconds',
      help: 'Time a phase attempt ran in this worker, by how it ended',
      labelNames: ['pipeline', 'phase', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.attempts = new Counter({ name: 'pipeline_phases_total', help: 'Phase attempts this worker ran, by how they ended', labelNames: ['pipeline', 'phase', 'outcome'], registers });
    this.rowsMerged = new Counter({
      name: 'pipeline_rows_merged_total',
      help: 'Rows the merge phase inserted or updated in final tables (a merge an earlier attempt had committed counts nothing)',
      labelNames: ['pipeline', 'load'],
      registers,
    });
    this.checkFailures = new Counter({
      name: 'pipeline_check_failures_total',
      help: 'Failed blocking checks: staging checks in audit, final-table checks in validate',
      labelNames: ['pipeline', 'load', 'check'],
      registers,
    });
    new Gauge({
      name: 'pipeline_phases_running',
      help: 'Phases this worker is running, by queue',
      labelNames: ['queue'],
      registers,
      collect() {
        for (const queue of queues) this.set({ queue }, running.ofQueue(queue).length);
      },
    });
  }

  record(attempt: EndedAttempt): void {
    const { pipelineId: pipeline, loadId: load, phase, outcome } = attempt;
    this.duration.observe({ pipeline, phase, outcome }, attempt.seconds);
    this.attempts.inc({ pipeline, phase, outcome });
    if (phase === 'merge' && outcome === 'success') {
      const merged = attempt.result as Partial<MergeResult> | undefined;
      const rows = Number(merged?.rowsInserted ?? 0) + Number(merged?.rowsUpdated ?? 0);
      if (!merged?.alreadyMerged && Number.isFinite(rows) && rows >= 0) this.rowsMerged.inc({ pipeline, load }, rows);
    }
    if (attempt.error instanceof ChecksFailedError) {
      for (const check of attempt.error.results) if (!check.passed) this.checkFailures.inc({ pipeline, load, check: check.name });
    }
  }
}
