// A pipeline's grid: one column per recent run (oldest left, newest right), one row per load and
// phase, each cell coloured by the phase's state and linking to the run. Trigger, backfill, pause.
import { act, api, debounce, el, fmtTime, followEvents, parseParams, toast } from './common.js';

const main = document.getElementById('main');
const pipelineId = main.dataset.pipelineId;
const base = `/pipelines/${encodeURIComponent(pipelineId)}`;
const grid = document.getElementById('grid');
const RUNS = 30;

function runTitle(run) {
  const interval = run.intervalStart ? `${fmtTime(run.intervalStart)} → ${fmtTime(run.intervalEnd)}` : 'no interval';
  return `${run.runId}\n${run.state} · ${run.trigger} · ${interval}`;
}

function render(runs) {
  if (runs.length === 0) {
    grid.replaceChildren(el('p', { class: 'muted' }, 'No runs yet.'));
    return;
  }
  const ordered = [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const rows = [];
  const seen = new Set();
  for (const run of ordered) {
    for (const p of run.phases) {
      const key = `${p.loadId}/${p.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        rows.push({ key, loadId: p.loadId, name: p.name });
      }
    }
  }
  const runLink = (run) => el('a', { class: `run state-${run.state}`, href: `/runs/${encodeURIComponent(run.runId)}`, title: runTitle(run), dataset: { runId: run.runId, state: run.state } });
  const head = el('tr', {}, el('th', { class: 'row' }, 'run'), ordered.map((run) => el('td', {}, runLink(run))));
  const body = rows.map((r) =>
    el(
      'tr',
      {},
      el('th', { class: 'row' }, `${r.loadId} · ${r.name}`),
      ordered.map((run) => {
        const phase = run.phases.find((p) => p.loadId === r.loadId && p.name === r.name);
        if (!phase) return el('td', {});
        const title = `${r.loadId} · ${r.name}: ${phase.state} (attempts ${phase.attempts})\n${run.runId}`;
        return el('td', {}, el('a', { class: `cell state-${phase.state}`, href: `/runs/${encodeURIComponent(run.runId)}`, title, dataset: { runId: run.runId, phase: r.key, state: phase.state } }));
      }),
    ),
  );
  grid.replaceChildren(el('table', { class: 'grid' }, el('thead', {}, head), el('tbody', {}, body)));
}

async function load() {
  try {
    render(await api('GET', `${base}/runs?limit=${RUNS}`));
  } catch (err) {
    toast(err.message, true);
  }
}

function setPaused(paused) {
  main.dataset.paused = String(paused);
  document.getElementById('paused-badge').hidden = !paused;
  document.getElementById('pause-toggle').textContent = paused ? 'Resume' : 'Pause';
}

const pauseButton = document.getElementById('pause-toggle');
pauseButton.addEventListener('click', () =>
  act(pauseButton, async () => {
    const r = await api('POST', `${base}/${main.dataset.paused === 'true' ? 'resume' : 'pause'}`);
    setPaused(r.paused);
    return r.paused ? 'paused: the scheduler creates no new runs' : 'resumed';
  }),
);

const triggerForm = document.getElementById('trigger-form');
triggerForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const f = new FormData(triggerForm);
  act(triggerForm.querySelector('button'), async () => {
    const body = {};
    const start = f.get('start').trim();
    const end = f.get('end').trim();
    if (start || end) body.interval = { start, end };
    const params = parseParams(f.get('params'));
    if (Object.keys(params).length) body.params = params;
    const run = await api('POST', `${base}/runs`, body);
    return `triggered ${run.runId}`;
  }, load);
});

const backfillForm = document.getElementById('backfill-form');
backfillForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const f = new FormData(backfillForm);
  act(backfillForm.querySelector('button'), async () => {
    const r = await api('POST', `${base}/backfill`, { from: f.get('from').trim(), to: f.get('to').trim(), reprocess: f.get('reprocess') });
    return `${r.queued.length} interval(s) queued, ${r.skipped.length} skipped; the scheduler creates the runs`;
  }, load);
});

const reload = debounce(load);
followEvents((event) => event.pipelineId === pipelineId && reload(), reload);
load();
