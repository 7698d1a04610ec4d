import type { CheckResult } from '@pipeline/core';
import type { PhaseErrorInfo, PhaseRecord, RunRecord } from '@pipeline/runs';

/** The stable JSON shape of a run in `pipeline runs --json` and `pipeline status --json`. */
export interface RunView {
  runId: string;
  pipelineId: string;
  state: RunRecord['state'];
  trigger: RunRecord['trigger'];
  intervalStart: string | null;
  intervalEnd: string | null;
  params: RunRecord['params'];
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  phases: PhaseView[];
}

export interface PhaseView {
  name: PhaseRecord['phase'];
  loadId: string;
  state: PhaseRecord['state'];
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  externalId: string | null;
  /** Where the external job's logs are (an EMR step's or job run's S3 folder). */
  logUri: string | null;
  rows: Record<string, number>;
  checks: { name: string; passed: boolean; observed: unknown }[];
  error: PhaseErrorInfo | null;
}

const ROW_FIELDS = ['rowsRead', 'rowsWritten', 'rowsCopied', 'rowsStaged', 'rowsMatched', 'duplicatesRemoved', 'rowsInserted', 'rowsUpdated', 'rowsDeleted'];

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

export function toRunView(run: RunRecord): RunView {
  return {
    runId: run.runId,
    pipelineId: run.pipelineId,
    state: run.state,
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

const pad = (text: string, width: number) => text.padEnd(width);

/** One line per run. */
export function formatRunLine(run: RunView): string {
  const interval = run.intervalStart ? `${run.intervalStart} → ${run.intervalEnd}` : 'full refresh';
  const done = run.phases.filter((p) => p.state === 'success').length;
  return `${pad(run.state, 10)} ${pad(run.trigger, 9)} ${pad(run.runId, 48)} ${interval}  ${done}/${run.phases.length} phases`;
}

/** A run and its phases, for `pipeline status`. */
export function formatRunDetail(run: RunView): string {
  const lines = [formatRunLine(run)];
  for (const p of run.phases) {
    const took = p.durationMs === null ? '' : `${(p.durationMs / 1000).toFixed(2)}s`;
    const rows = Object.entries(p.rows).map(([k, v]) => `${k} ${v}`).join(', ');
    const extra = [p.externalId && `external ${p.externalId}`, rows, p.error && `${p.error.code}: ${p.error.message.split('\n')[0]}`].filter(Boolean).join('  ');
    lines.push(`  ${pad(p.loadId, 16)} ${pad(p.name, 18)} ${pad(p.state, 16)} attempts ${p.attempts}  ${took.padStart(8)}  ${extra}`.trimEnd());
    const failure = p.error?.details;
    if (failure?.reason || failure?.logFile) lines.push(`      failure: ${[failure.reason, failure.message, failure.logFile && `log ${failure.logFile}`].filter(Boolean).join(' — ')}`);
    if (p.logUri) lines.push(`      logs: ${p.logUri}`);
    for (const c of p.checks) lines.push(`      ${c.passed ? 'pass' : 'FAIL'} ${c.name}  observed ${String(c.observed)}`);
  }
  return `${lines.join('\n')}\n`;
}
