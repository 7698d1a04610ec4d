import type { RunView } from '@pipeline/runs';
import type { PipelineSummary } from '../pipelines/pipeline-summary.js';
import { html, type Html } from './html.js';

/** What every page needs from the request: the CSRF token for its JavaScript, and whether there is a session to end. */
export interface PageContext {
  csrfToken: string;
  signedIn: boolean;
}

const STATES = ['success', 'running', 'failed', 'upstream_failed', 'queued', 'cancelled', 'pending'] as const;

function layout(page: PageContext, title: string, script: string | null, body: Html, data: Record<string, string> = {}): Html {
  const attrs = Object.entries(data).map(([k, v]) => html` data-${k}="${v}"`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${page.csrfToken}">
<title>${title} · pipeline</title>
<link rel="stylesheet" href="/ui/assets/dashboard.css">
${script ? html`<script type="module" src="/ui/assets/${script}"></script>` : ''}
</head>
<body>
<header class="top">
  <a class="brand" href="/">pipeline</a>
  <nav><a href="/">Pipelines</a><a href="/queues">Queues</a></nav>
  ${page.signedIn ? html`<form class="logout" method="post" action="/logout"><input type="hidden" name="_csrf" value="${page.csrfToken}"><button type="submit">Sign out</button></form>` : ''}
</header>
<main id="main"${attrs}>
${body}
</main>
<div id="toast" role="status" aria-live="polite"></div>
</body>
</html>
`;
}

export function legend(): Html {
  return html`<ul class="legend">${STATES.map((s) => html`<li><span class="swatch state-${s}"></span>${s}</li>`)}</ul>`;
}

export function loginPage(options: { message?: string; next: string }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · pipeline</title>
<link rel="stylesheet" href="/ui/assets/dashboard.css">
</head>
<body class="login">
<form class="login-form" method="post" action="/login">
  <h1>pipeline</h1>
  <p>Sign in with the deployment's API token (<code>PIPELINE_API_TOKEN</code>).</p>
  ${options.message ? html`<p class="error" role="alert">${options.message}</p>` : ''}
  <label for="token">API token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  <input type="hidden" name="next" value="${options.next}">
  <button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}

export function pipelinesPage(page: PageContext): Html {
  return layout(
    page,
    'Pipelines',
    'pipelines.js',
    html`<h1>Pipelines</h1>
<table class="list" id="pipelines">
  <thead><tr><th>Pipeline</th><th>Schedule</th><th>Next run</th><th>Last run</th><th title="Runs queued or running, of schedule.maxActiveRuns; held runs wait for a slot">Active runs</th><th>Paused</th><th></th></tr></thead>
  <tbody><tr><td colspan="7" class="muted">Loading…</td></tr></tbody>
</table>`,
  );
}

function schedule(summary: PipelineSummary): string {
  return summary.schedule ? `${summary.schedule.cron} (${summary.schedule.timezone})` : 'manual only';
}

export function pipelinePage(page: PageContext, summary: PipelineSummary): Html {
  return layout(
    page,
    summary.id,
    'pipeline.js',
    html`<h1>${summary.id} <span id="paused-badge" class="badge"${summary.paused ? '' : html` hidden`}>paused</span></h1>
<p class="description">${summary.description ?? ''}</p>
<p class="muted">Schedule: ${schedule(summary)} · loads: ${summary.loads.join(', ')}</p>
<section class="actions">
  <form id="trigger-form" class="inline-form">
    <strong>Trigger</strong>
    <label>start <input name="start" placeholder="YYYY-MM-DD"></label>
    <label>end <input name="end" placeholder="YYYY-MM-DD"></label>
    <label>params <input name="params" placeholder="k=v k2=v2"></label>
    <button type="submit" id="trigger">Trigger run</button>
  </form>
  <form id="backfill-form" class="inline-form">
    <strong>Backfill</strong>
    <label>from <input name="from" placeholder="YYYY-MM-DD" required></label>
    <label>to <input name="to" placeholder="YYYY-MM-DD" required></label>
    <label>reprocess <select name="reprocess"><option>none</option><option>failed</option><option>all</option></select></label>
    <button type="submit">Backfill</button>
  </form>
  <button type="button" id="pause-toggle">${summary.paused ? 'Resume' : 'Pause'}</button>
</section>
<h2>Recent runs <span class="muted small">(oldest left, newest right)</span></h2>
${legend()}
<div id="grid" class="grid-wrap"><p class="muted">Loading…</p></div>`,
    { 'pipeline-id': summary.id, paused: String(summary.paused) },
  );
}

function interval(run: RunView): string {
  return run.intervalStart && run.intervalEnd ? `${run.intervalStart} → ${run.intervalEnd}` : 'none (full refresh or manual)';
}

/** Why a held run's badge says `held` (`queued` in the API, with `held: true`). */
const HELD_TITLE = "queued, waiting for a run slot: the pipeline has schedule.maxActiveRuns runs active; it starts as soon as one frees";

export function runPage(page: PageContext, run: RunView, links: { region: string; compute: string }): Html {
  const params = Object.entries(run.params);
  return layout(
    page,
    run.runId,
    'run.js',
    html`<p class="crumbs"><a href="/pipelines/${encodeURIComponent(run.pipelineId)}">${run.pipelineId}</a> /</p>
<h1>${run.runId} <span id="run-state" class="badge state-${run.state}"${run.held ? html` title="${HELD_TITLE}"` : ''}>${run.held ? 'held' : run.state}</span></h1>
<dl class="facts">
  <dt>Trigger</dt><dd>${run.trigger}</dd>
  <dt>Interval</dt><dd>${interval(run)}</dd>
  <dt>Created</dt><dd>${run.createdAt}</dd>
  <dt>Params</dt><dd>${params.length === 0 ? 'none' : html`<table class="params">${params.map(([k, v]) => html`<tr><th>${k}</th><td>${String(v)}</td></tr>`)}</table>`}</dd>
</dl>
<section class="actions">
  <button type="button" id="cancel">Cancel run</button>
  <button type="button" id="retry">Retry</button>
</section>
<h2>Phases</h2>
${legend()}
<div id="timeline" class="timeline"></div>
<div id="phases"></div>`,
    { 'run-id': run.runId, region: links.region, compute: links.compute },
  );
}

export function notFoundPage(page: PageContext, message: string): Html {
  return layout(page, 'Not found', null, html`<h1>Not found</h1><p>${message}</p><p><a href="/">All pipelines</a></p>`);
}
