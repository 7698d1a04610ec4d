import type { QueueKind } from '@pipeline/runs';

/** Why a running phase is being stopped. */
export type StopReason = 'cancelled' | 'shutdown';

/** One phase this process is running, with the handles that stop it. */
export class RunningPhase {
  private readonly stopper = new AbortController();
  private readonly releaser = new AbortController();
  private reason: StopReason | undefined;

  constructor(
    readonly jobId: string,
    readonly runId: string,
    readonly queue: QueueKind,
    /** False for work a cancel must not stop: the cleanup that runs after it. */
    readonly cancellable = true,
  ) {}

  /** Aborted when the phase must stop its work (its run was cancelled, or the worker shuts down). */
  get signal(): AbortSignal {
    return this.stopper.signal;
  }

  /** Aborted when the worker stops waiting on the phase's external job and leaves it running for another worker. */
  get released(): AbortSignal {
    return this.releaser.signal;
  }

  get stopReason(): StopReason | undefined {
    return this.reason;
  }

  stop(reason: StopReason): void {
    this.reason ??= reason;
    this.stopper.abort(reason);
  }

  release(): void {
    this.releaser.abort('shutdown');
  }
}

/** The phases this process is running, by BullMQ job id. */
export class RunningPhases {
  private readonly phases = new Map<string, RunningPhase>();

  start(jobId: string, runId: string, queue: QueueKind, options: { cancellable?: boolean } = {}): RunningPhase {
    const phase = new RunningPhase(jobId, runId, queue, options.cancellable ?? true);
    this.phases.set(jobId, phase);
    return phase;
  }

  end(jobId: string): void {
    this.phases.delete(jobId);
  }

  /** The phases of a run that a cancel stops. */
  ofRun(runId: string): RunningPhase[] {
    return this.list().filter((p) => p.runId === runId && p.cancellable);
  }

  ofQueue(queue: QueueKind): RunningPhase[] {
    return this.list().filter((p) => p.queue === queue);
  }

  list(): RunningPhase[] {
    return [...this.phases.values()];
  }
}
