import type { QueueKind } from '@pipeline/runs';

/** Why a running phase is being stopped. */
export type StopReason = 'cancelled' | 'shutdown';

/**
 * One phase this process is running, with the handles that stop it. Stopping and releasing call
 * plain listeners: a worker starts thousands of phases an hour and almost none is ever stopped,
 * and an AbortController per handle would cost every phase more than its bookkeeping.
 */
export class RunningPhase {
  private reason: StopReason | undefined;
  private releasedFlag = false;
  private readonly stopListeners = new Set<(reason: StopReason) => void>();
  private readonly releaseListeners = new Set<() => void>();

  constructor(
    readonly jobId: string,
    readonly runId: string,
    readonly queue: QueueKind,
    /** False for work a cancel must not stop: the cleanup that runs after it. */
    readonly cancellable = true,
  ) {}

  /** Set once the phase must stop its work (its run was cancelled, or the worker shuts down): the first reason given. */
  get stopReason(): StopReason | undefined {
    return this.reason;
  }

  /** True once the worker stopped waiting on the phase's external job and left it running for another worker. */
  get released(): boolean {
    return this.releasedFlag;
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    for (const listener of [...this.stopListeners]) listener(reason);
    this.stopListeners.clear();
  }

  release(): void {
    if (this.releasedFlag) return;
    this.releasedFlag = true;
    for (const listener of [...this.releaseListeners]) listener();
    this.releaseListeners.clear();
  }

  /** Calls `listener` when the phase is stopped, at once when it already was. Returns what removes it. */
  onStop(listener: (reason: StopReason) => void): () => void {
    if (this.reason) {
      listener(this.reason);
      return () => undefined;
    }
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /** Calls `listener` when the phase is released from now on (not for a release before the call). Returns what removes it. */
  onRelease(listener: () => void): () => void {
    this.releaseListeners.add(listener);
    return () => this.releaseListeners.delete(listener);
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
