import { LOAD_PHASES, type CheckResult } from '@pipeline/core';
import { z } from 'zod';
import type { RunRecord } from '../model/run-record.js';

const RUN_STATES = ['queued', 'running', 'success', 'failed', 'cancelled'] as const;
const PHASE_STATES = ['pending', 'queued', 'running', 'success', 'failed', 'upstream_failed', 'cancelled'] as const;
const TRIGGERS = ['schedule', 'manual', 'backfill'] as const;
const isoTime = z.string().describe('ISO-8601 timestamp (UTC)');

/** What a phase failed with, as stored with the phase. */
export const phaseErrorViewSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.object({ reason: z.string().optional(), message: z.string().optional(), logFile: z.string().optional(), logUri: z.string().optional() }).optional(),
  checks: z
    .array(z.object({ name: z.string(), observed: z.union([z.number(), z.string()]).nullable(), stage: z.enum(['staging', 'final']) }))
    .optional()
    .describe('The data checks that failed, when the phase failed on its checks'),
});

export const phaseViewSchema = z.object({
  name: z.enum(LOAD_PHASES),
  loadId: z.string(),
  state: z.enum(PHASE_STATES),
  attempts: z.number().int(),
  queuedAt: isoTime.nullable().describe('When the phase was last queued (first enqueue, a retry, or a hand-back)'),
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  durationMs: z.number().nullable(),
  externalId: z.string().nullable(),
  logUri: z.string().nullable().describe("Where the external job's logs are (an EMR step's or job run's S3 folder)"),
  rows: z.record(z.string(), z.number()),
  checks: z.array(z.object({ name: z.string(), passed: z.boolean(), observed: z.unknown() })),
  error: phaseErrorViewSchema.nullable(),
});

/**
 * The stable shape of a run wherever it leaves the process: `pipeline runs --json`,
 * `pipeline status --json` and the HTTP API's run items. One schema, so that the document the
 * API publishes and what the command prints cannot drift apart.
 */
export const runViewSchema = z.object({
  runId: z.string(),
  pipelineId: z.string(),
  state: z.enum(RUN_STATES),
  held: z.boolean().describe("True while a queued run waits for a run slot: its pipeline had schedule.maxActiveRuns runs active when it was triggered"),
  trigger: z.enum(TRIGGERS),
  intervalStart: isoTime.nullable(),
  intervalEnd: isoTime.nullable(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  phases: z.array(phaseViewSchema),
});

export type RunView = z.infer<typeof runViewSchema>;
export type PhaseView = z.infer<typeof phaseViewSchema>;

const ROW_FIELDS = ['rowsRead', 'rowsWritten', 'rowsCopied', 'rowsStaged', 'rowsMatched', 'rowsStale', 'duplicatesRemoved', 'rowsInserted', 'rowsUpdated', 'rowsSkipped', 'rowsDeleted'];

/** Row counts from a phase result, wherever the phase keeps them (the extract keeps them in its manifest). */
function rowsOf(result: unknown): Record<string, number> {
  if (!result || typeof result !== 'object') return {};
  const sources = [result as Record<string, unknown>, ((result as { manifest?: unknown }).manifest ?? {}) as Record<string, unknown>];
  const rows: Record<string, number> = {};
  for (const source of sources) for (const field of ROW_FIELDS) if (typeof source[field] === 'number') rows[field] = source[field] as number;
  return rows;
}

function checksOf(result: unknown): PhaseView['checks'] {
  const checks = (result as { checks?: CheckResult[] } | undefined)?.checks;
  return Array.isArray(checks) ? checks.map((c) => ({ name: `${c.stage} ${c.name}`, passed: c.passed, observed: c.observed })) : [];
}

/** A stored run as its view: timestamps made explicit (null), durations, row counts and checks lifted out of the phase results. */
export function toRunView(run: RunRecord): RunView {
  return {
    runId: run.runId,
    pipelineId: run.pipelineId,
    state: run.state,
    held: run.held ?? false,
    trigger: run.trigger,
    intervalStart: run.intervalStart,
    intervalEnd: run.intervalEnd,
    params: run.params,
    createdAt: run.createdAt,
    startedAt: run.startedAt ?? null,
    endedAt: run.endedAt ?? null,
    phases: run.phases.map((p) => ({
      name: p.phase,
      loadId: p.loadId,
      state: p.state,
      attempts: p.attempts,
      queuedAt: p.queuedAt ?? null,
      startedAt: p.startedAt ?? null,
      endedAt: p.endedAt ?? null,
      durationMs: p.startedAt && p.endedAt ? Date.parse(p.endedAt) - Date.parse(p.startedAt) : null,
      externalId: p.externalId ?? null,
      logUri: (p.result as { logUri?: string } | undefined)?.logUri ?? p.error?.details?.logUri ?? null,
      rows: rowsOf(p.result),
      checks: checksOf(p.result),
      error: p.error ?? null,
    })),
  };
}
