import { cronFor, type PipelineDefinition } from '@pipeline/core';
import type { RunRecord, RunStore } from '@pipeline/runs';
import { z } from 'zod';

export const pipelineSummarySchema = z.object({
  id: z.string(),
  description: z.string().optional(),
  schedule: z.object({ cron: z.string(), timezone: z.string(), catchup: z.boolean(), maxActiveRuns: z.number().int() }).nullable(),
  paused: z.boolean(),
  nextRunAt: z.string().nullable().describe('When the schedule next fires (the end of the next interval); null when unscheduled or paused'),
  lastRun: z
    .object({ runId: z.string(), state: z.string(), intervalStart: z.string().nullable(), intervalEnd: z.string().nullable(), endedAt: z.string().nullable() })
    .nullable(),
  activeRuns: z.number().int().describe('Runs queued or running that count against schedule.maxActiveRuns'),
  heldRuns: z.number().int().describe('Manual runs and retries waiting for a run slot (queued, `held: true`); each starts as soon as one frees'),
  loads: z.array(z.string()),
});

export type PipelineSummary = z.infer<typeof pipelineSummarySchema>;

function nextRunAt(pipeline: PipelineDefinition, paused: boolean, now: Date): string | null {
  const schedule = pipeline.schedule;
  if (!schedule || paused) return null;
  const from = schedule.start && Date.parse(schedule.start) > now.getTime() ? new Date(Date.parse(schedule.start)) : now;
  const next = cronFor(schedule.cron, schedule.timezone).nextRun(from);
  if (!next || (schedule.end && next.getTime() > Date.parse(schedule.end))) return null;
  return next.toISOString();
}

function lastRunOf(run: RunRecord | undefined): PipelineSummary['lastRun'] {
  if (!run) return null;
  return { runId: run.runId, state: run.state, intervalStart: run.intervalStart, intervalEnd: run.intervalEnd, endedAt: run.endedAt ?? null };
}

/** A pipeline as the API lists it: its definition's schedule, whether it is paused, its next fire, its latest run and how many runs are active and held. */
export async function summarize(pipeline: PipelineDefinition, store: RunStore, now: Date): Promise<PipelineSummary> {
  const [paused, [latest], activeRuns, heldRuns] = await Promise.all([
    store.isPaused(pipeline.id),
    store.list(pipeline.id, { limit: 1 }),
    store.activeCount(pipeline.id),
    store.heldCount(pipeline.id),
  ]);
  const s = pipeline.schedule;
  return {
    id: pipeline.id,
    ...(pipeline.description === undefined ? {} : { description: pipeline.description }),
    schedule: s ? { cron: s.cron, timezone: s.timezone, catchup: s.catchup, maxActiveRuns: s.maxActiveRuns } : null,
    paused,
    nextRunAt: nextRunAt(pipeline, paused, now),
    lastRun: lastRunOf(latest),
    activeRuns,
    heldRuns,
    loads: pipeline.loads.map((l) => l.id),
  };
}
