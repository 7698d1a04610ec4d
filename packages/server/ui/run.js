// A run: state, per phase timings on one time axis, rows, checks, errors, where the logs are,
// the local Spark log tail; cancel and retry. Refetched whenever an event of this run arrives.
import { act, api, badge, debounce, el, fmtDuration, fmtTime, followEvents, toast } from './common.js';

const main = document.getElementById('main');
const runId = main.dataset.runId;
const region = main.dataset.region;
const path = `/runs/${encodeURIComponent(runId)}`;
const openLogs = new Set();

const regionQuery = region ? `?region=${encodeURIComponent(region)}` : '';

/** Where an external id's logs are, as a link (EMR console) or text. */
function externalLink(id) {
  const emr = /^emr:(j-[A-Z0-9]+):(s-[A-Z0-9]+)$/.exec(id);
  if (emr) return el('a', { href: `https://console.aws.amazon.com/emr/home${regionQuery}#/clusterDetails/${emr[1]}`, target: '_blank', rel: 'noopener noreferrer' }, `EMR step ${emr[2]} on cluster ${emr[1]}`);
  const serverless = /^emr-serverless:([^:]+):([^:]+)$/.exec(id);
  if (serverless) return el('span', {}, `EMR Serverless job run ${serverless[2]} of application ${serverless[1]}`);
  const local = /^local:(.+):(\d+)$/.exec(id);
  if (local) return el('span', {}, `local Spark process ${local[2]} on ${local[1]}`);
  return el('code', {}, id);
}

function s3Link(uri) {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) return el('code', {}, uri);
  const query = new URLSearchParams({ prefix: m[2], ...(region ? { region } : {}) });
  return el('a', { href: `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(m[1])}?${query}`, target: '_blank', rel: 'noopener noreferrer' }, uri);
}

function timeline(run) {
  const t0 = Date.parse(run.createdAt);
  const ends = run.phases.map((p) => Date.parse(p.endedAt ?? '') || 0);
  const running = run.phases.some((p) => p.state === 'running');
  const t1 = Math.max(t0 + 1000, ...ends, running || run.state === 'running' || run.state === 'queued' ? Date.now() : 0);
  const pct = (t) => `${(((t - t0) / (t1 - t0)) * 100).toFixed(2)}%`;
  const prevEnd = new Map();
  const rows = run.phases.map((p) => {
    const track = el('div', { class: 'tl-track' });
    const start = p.startedAt ? Date.parse(p.startedAt) : null;
    // Waiting runs from when the phase was queued; a phase queued again after it started (a retry
    // still waiting) falls back to the end of the load's phase before it.
    const queued = p.queuedAt ? Date.parse(p.queuedAt) : null;
    const waitFrom = queued !== null && (start === null || queued <= start) ? queued : (prevEnd.get(p.loadId) ?? t0);
    const end = p.endedAt ? Date.parse(p.endedAt) : p.state === 'running' ? t1 : null;
    if (start !== null && start > waitFrom) {
      const wait = el('div', { class: 'tl-wait', title: `waiting ${fmtDuration(start - waitFrom)}` });
      wait.style.left = pct(waitFrom);
      wait.style.width = `calc(${pct(start)} - ${pct(waitFrom)})`;
      track.append(wait);
    }
    if (start !== null) {
      const bar = el('div', { class: `tl-bar state-${p.state}`, title: `${fmtTime(p.startedAt)} → ${fmtTime(p.endedAt)}` });
      bar.style.left = pct(start);
      bar.style.width = `calc(${pct(end ?? start)} - ${pct(start)})`;
      track.append(bar);
    }
    if (end !== null) prevEnd.set(p.loadId, end);
    return el('div', { class: 'tl-row' }, el('span', {}, `${p.loadId} · ${p.name}`), track, el('span', { class: 'muted' }, fmtDuration(p.durationMs)));
  });
  return [
    el('div', { class: 'tl-axis' }, el('span', {}, fmtTime(new Date(t0).toISOString())), el('span', {}, fmtTime(new Date(t1).toISOString()))),
    ...rows,
    el('ul', { class: 'legend' }, el('li', {}, el('span', { class: 'swatch wait' }), 'waiting in the queue')),
  ];
}

function logPanel(run, p) {
  const key = `${p.loadId}/${p.name}`;
  const pre = el('pre', { class: 'log', hidden: !openLogs.has(key) });
  const button = el('button', { type: 'button', class: 'show-log' }, openLogs.has(key) ? 'Hide log' : 'Show log tail');
  const fill = async () => {
    try {
      const tail = await api('GET', `${path}/phases/${encodeURIComponent(p.loadId)}/${p.name}/log?lines=200`);
      pre.textContent = tail.lines.join('\n') || '(empty)';
    } catch (err) {
      pre.textContent = err.message;
    }
  };
  button.addEventListener('click', async () => {
    if (openLogs.has(key)) openLogs.delete(key);
    else openLogs.add(key);
    pre.hidden = !openLogs.has(key);
    button.textContent = openLogs.has(key) ? 'Hide log' : 'Show log tail';
    if (openLogs.has(key)) await fill();
  });
  if (openLogs.has(key)) fill();
  return [button, pre];
}

function phaseCard(run, p) {
  const facts = [
    ['state', badge(p.state)],
    ['attempts', String(p.attempts)],
    ['started', fmtTime(p.startedAt)],
    ['ended', fmtTime(p.endedAt)],
    ['duration', fmtDuration(p.durationMs)],
  ];
  if (p.externalId) facts.push(['external id', externalLink(p.externalId)]);
  if (p.logUri) facts.push(['logs', s3Link(p.logUri)]);
  const rows = Object.entries(p.rows);
  if (rows.length) facts.push(['rows', rows.map(([k, v]) => `${k} ${v}`).join(' · ')]);
  if (p.checks.length) {
    facts.push(['checks', el('ul', {}, p.checks.map((c) => el('li', { class: `check ${c.passed ? 'pass' : 'fail'}` }, `${c.name}`, el('span', { class: 'muted' }, ` observed ${JSON.stringify(c.observed)}`))))]);
  }
  if (p.error) {
    const d = p.error.details ?? {};
    facts.push([
      'error',
      el(
        'div',
        { class: 'error-box' },
        el('div', {}, el('code', {}, p.error.code), ' ', p.error.message),
        d.reason ? el('div', {}, `reason: ${d.reason}`) : null,
        d.message ? el('div', {}, d.message) : null,
        d.logFile ? el('div', {}, 'log file: ', el('code', {}, d.logFile)) : null,
        d.logUri && d.logUri !== p.logUri ? el('div', {}, 'logs: ', s3Link(d.logUri)) : null,
      ),
    ]);
  }
  const local = p.name === 'extract-transform' && main.dataset.compute === 'local' && p.attempts > 0;
  return el(
    'section',
    { class: 'phase', dataset: { phase: `${p.loadId}/${p.name}`, state: p.state } },
    el('h3', {}, `${p.loadId} · ${p.name}`),
    el('dl', {}, facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    local ? logPanel(run, p) : null,
  );
}

function render(run) {
  const state = document.getElementById('run-state');
  state.className = `badge state-${run.state}`;
  state.textContent = run.held ? 'held' : run.state;
  if (!run.held) state.removeAttribute('title');
  main.dataset.state = run.state;
  document.getElementById('cancel').disabled = !['queued', 'running'].includes(run.state);
  document.getElementById('retry').disabled = !['failed', 'cancelled'].includes(run.state);
  document.getElementById('timeline').replaceChildren(...timeline(run));
  document.getElementById('phases').replaceChildren(...run.phases.map((p) => phaseCard(run, p)));
}

async function load() {
  try {
    render(await api('GET', path));
  } catch (err) {
    toast(err.message, true);
  }
}

for (const action of ['cancel', 'retry']) {
  const button = document.getElementById(action);
  button.addEventListener('click', () => act(button, async () => {
    const run = await api('POST', `${path}/${action}`);
    render(run);
    return `${action === 'cancel' ? 'cancelled' : 'retrying'} ${run.runId}`;
  }, load));
}

const reload = debounce(load, 150);
followEvents((event) => event.runId === runId && reload(), reload);
load();
