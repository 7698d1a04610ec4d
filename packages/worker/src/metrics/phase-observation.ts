import type { LoadPhase } from '@pipeline/core';
import type { AttemptOutcome, PhaseMetrics } from './phase-metrics.js';

/**
 * Times one job's phase for the metrics. Only an attempt that started its work is recorded: a
 * job dropped before (its run cancelled or gone, the worker closing) did no work to measure.
 * Without metrics every call is a no-op.
 */
export class PhaseObservation {
  private pipelineId: string | undefined;
  private startedAt = 0;
  private seconds: number | undefined;

  constructor(
    private readonly metrics: PhaseMetrics | undefined,
    private readonly loadId: string,
    private readonly phase: LoadPhase,
  ) {}

  started(pipelineId: string): void {
    if (!this.metrics) return;
    this.pipelineId = pipelineId;
    this.startedAt = performance.now();
  }

  /** The work is over; what follows (recording the hand-off) is not the phase's time. */
  workEnded(): void {
    if (this.pipelineId !== undefined) this.seconds ??= (performance.now() - this.startedAt) / 1000;
  }

  ended(outcome: AttemptOutcome, detail: { result?: unknown; error?: unknown } = {}): void {
    if (!this.metrics || this.pipelineId === undefined) return;
    this.workEnded();
    this.metrics.record({ pipelineId: this.pipelineId, loadId: this.loadId, phase: this.phase, outcome, seconds: this.seconds ?? 0, ...detail });
  }
}
