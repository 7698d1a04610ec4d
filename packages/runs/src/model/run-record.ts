import type { ParamValue, PipelineDefinition } from '@pipeline/core';
import type { PhaseRecord } from './phase-record.js';
import type { RunState, Trigger } from './states.js';

/** One run of one pipeline: the unit the scheduler creates and the workers progress. */
export interface RunRecord {
  runId: string;
  pipelineId: string;
  trigger: Trigger;
  state: RunState;
  /** ISO instant; null for a full refresh. */
  intervalStart: string | null;
  /** ISO instant; null for a full refresh. */
  intervalEnd: string | null;
  /** Parameters given when the run was created; they win over the pipeline's and the load's. */
  params: Record<string, ParamValue>;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** Snapshot taken at creation: later edits of the definition never change a run. */
  pipeline: PipelineDefinition;
  /** loadId -> absolute transform path resolved at creation (null: no transform). */
  transformPaths: Record<string, string | null>;
  phases: PhaseRecord[];
  /**
   * True while the run waits for a run slot: it was triggered when its pipeline already had
   * `schedule.maxActiveRuns` runs active. A held run has no phase queued and is not counted as
   * active. It is admitted once a slot is free, oldest first and before new scheduled intervals:
   * by the process whose write ended a run of the pipeline, or else by a scheduler tick (hourly,
   * for a pipeline no tick looks at: its file deleted, or its schedule removed). Absent
   * otherwise.
   */
  held?: boolean;
  /** Optimistic-concurrency counter, bumped by every write. */
  version: number;
}
