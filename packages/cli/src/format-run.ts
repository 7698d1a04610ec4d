import type { RunView, TriggeredRun } from '@pipeline/runs';

const pad = (text: string, width: number) => text.padEnd(width);

/** One line per run. */
export function formatRunLine(run: RunView): string {
  const interval = run.intervalStart ? `${run.intervalStart} → ${run.intervalEnd}` : 'full refresh';
  const done = run.phases.filter((p) => p.state === 'success').length;
  return `${pad(run.held ? 'held' : run.state, 10)} ${pad(run.trigger, 9)} ${pad(run.runId, 48)} ${interval}  ${done}/${run.phases.length} phases`;
}

/** A run and its phases, for `pipeline status`. */
export function formatRunDetail(run: RunView): string {
  const lines = [formatRunLine(run)];
  if (run.held) lines.push('  held: queued behind its pipeline\'s schedule.maxActiveRuns; it starts as soon as a run slot frees');
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

/** Why a triggered or retried run did not start: the pipeline's run slots, and the runs held before it. */
export function heldMessage(runId: string, pipelineId: string, held: NonNullable<TriggeredRun['held']>): string {
  const behind = held.ahead > 0 ? ` and ${held.ahead} run(s) held before it` : '';
  return `run ${runId} is held: pipeline ${pipelineId} has ${held.active} active run(s) (schedule.maxActiveRuns ${held.maxActiveRuns})${behind}; it starts as soon as a run slot frees`;
}
