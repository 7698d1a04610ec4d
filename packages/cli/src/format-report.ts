import { ChecksFailedError, type CheckResult, type LoadReport, type PhaseReport, type PipelineReport } from '@pipeline/core';

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`.padStart(7);

function phaseDetail(load: LoadReport, phase: PhaseReport): string {
  if (phase.state !== 'success') return phase.error ? `${phase.error.code}: ${phase.error.message.split('\n')[0]}` : '';
  switch (phase.phase) {
    case 'extract-transform':
      return load.extract ? `read ${load.extract.manifest.rowsRead}, written ${load.extract.manifest.rowsWritten}` : '';
    case 'stage':
      return load.stage ? `copied ${load.stage.rowsCopied}` : '';
    case 'audit':
      return load.audit
        ? `${load.audit.checks.filter((c) => c.passed).length}/${load.audit.checks.length} checks passed${load.audit.duplicatesRemoved ? `, ${load.audit.duplicatesRemoved} repeated keys resolved` : ''}, ${load.audit.rowsStaged} to publish`
        : '';
    case 'merge':
      return load.merge
        ? `inserted ${load.merge.rowsInserted}, updated ${load.merge.rowsUpdated}${load.merge.rowsSkipped ? `, ${load.merge.rowsSkipped} left out (the table's rows are newer)` : ''}${load.merge.rowsDeleted !== null ? `, deleted ${load.merge.rowsDeleted}` : ''}${load.merge.createdTarget ? ' (table created)' : ''}`
        : '';
    case 'validate':
      return load.validate ? `${load.validate.checks.filter((c) => c.passed).length}/${load.validate.checks.length} checks passed` : '';
    default:
      return load.keptFiles ? `files kept at ${load.keptFiles}` : '';
  }
}

export function formatPhaseLine(load: LoadReport, phase: PhaseReport): string {
  const mark = phase.state === 'success' ? 'ok  ' : phase.state === 'failed' ? 'FAIL' : 'skip';
  return `  ${mark} ${phase.phase.padEnd(18)}${seconds(phase.durationMs)}  ${phaseDetail(load, phase)}`.trimEnd();
}

function formatCheck(check: CheckResult): string {
  const sample = !check.passed && check.sample.length ? `  e.g. ${JSON.stringify(check.sample.slice(0, 3))}` : '';
  return `    ${check.passed ? 'pass' : 'FAIL'} ${check.stage.padEnd(8)} ${check.name}  observed ${check.observed ?? 'null'}${sample}`;
}

/** The human summary of a run: per load, per phase, then every check. */
export function formatReport(report: PipelineReport): string {
  const lines: string[] = [];
  const interval = report.interval ? `${report.interval.start} → ${report.interval.end}` : 'full refresh';
  lines.push(`run ${report.runId}  pipeline ${report.pipelineId}  ${interval}`);
  for (const load of report.loads) {
    if (!('phases' in load)) {
      lines.push(`load ${load.loadId}: upstream_failed`);
      continue;
    }
    lines.push(`load ${load.loadId}: ${load.state}`);
    for (const phase of load.phases) lines.push(formatPhaseLine(load, phase));
    // A failed check phase has no result of its own; its checks travel on the error.
    const failedChecks = load.error instanceof ChecksFailedError ? load.error.results : [];
    const shown = [...(load.audit?.checks ?? []), ...(load.validate?.checks ?? []), ...failedChecks];
    if (shown.length) {
      lines.push('  checks:');
      for (const check of shown) lines.push(formatCheck(check));
    }
  }
  lines.push(`${report.state === 'success' ? 'success' : 'FAILED'} in ${(report.durationMs / 1000).toFixed(1)}s`);
  return `${lines.join('\n')}\n`;
}
