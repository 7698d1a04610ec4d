import type { ParamValue, PipelineDefinition } from '@pipeline/core';
import type { PhaseRecord } from './phase-record.js';
import type { RunState, Trigger } from './states.js';

/**
 * One run of one pipeline: the unit the scheduler creates and the workers progress. Records are
 * values: every change makes a new record that shares what did not change with the old one (see
 * `dag/`), and nothing changes a record once made. That is what lets the run store keep the
 * record it wrote last and start the next change from it, with no copy and no decoding.
 */
export interface RunRecord {
  readonly runId: string;
  readonly pipelineId: string;
  readonly trigger: Trigger;
  readonly state: RunState;
  /** ISO instant; null for a full refresh. */
  readonly intervalStart: string | null;
  /** ISO instant; null for a full refresh. */
  readonly intervalEnd: string | null;
  /** Parameters given when the run was created; they win over the pipeline's and the load's. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  /** Snapshot taken at creation: later edits of the definition never change a run. */
  readonly pipeline: PipelineDefinition;
  /** loadId -> absolute transform path resolved at creation (null: no transform). */
  readonly transformPaths: Readonly<Record<string, string | null>>;
  readonly phases: readonly PhaseRecord[];
  /**
   * True while the run waits for a run slot: it was triggered when its pipeline already had
   * `schedule.maxActiveRuns` runs active. A held run has no phase queued and is not counted as
   * active. It is admitted once a slot is free, oldest first and before new scheduled intervals:
   * by the process whose write ended a run of the pipeline, or else by a scheduler tick (hourly,
   * for a pipeline no tick looks at: its file deleted, or its schedule removed). Absent
   * otherwise.
   */
  readonly held?: boolean;
  /** Optimistic-concurrency counter, bumped by every write. */
  readonly version: number;
}

/** A record (or phase) being built, before it is handed out: its fields may still be set or removed. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] };
