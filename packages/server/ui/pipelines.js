// The pipelines list: schedule, next run, last run, runs active and held, paused; pause/resume and trigger.
import { act, api, badge, debounce, el, fmtTime, followEvents, toast } from './common.js';

const tbody = document.querySelector('#pipelines tbody');

function row(p) {
  const link = el('a', { href: `/pipelines/${encodeURIComponent(p.id)}` }, p.id);
  const pause = el('button', { type: 'button', class: 'pause-toggle' }, p.paused ? 'Resume' : 'Pause');
  pause.addEventListener('click', () => act(pause, async () => {
    const r = await api('POST', `/pipelines/${encodeURIComponent(p.id)}/${p.paused ? 'resume' : 'pause'}`);
    return `${r.id} ${r.paused ? 'paused' : 'resumed'}`;
  }, load));
  const trigger = el('button', { type: 'button', class: 'trigger' }, 'Trigger');
  trigger.addEventListener('click', () => act(trigger, async () => {
    const run = await api('POST', `/pipelines/${encodeURIComponent(p.id)}/runs`);
    return `triggered ${run.runId}`;
  }, load));
  const last = p.lastRun
    ? el('td', {}, badge(p.lastRun.state), ' ', el('a', { href: `/runs/${encodeURIComponent(p.lastRun.runId)}`, class: 'small' }, p.lastRun.runId))
    : el('td', { class: 'muted' }, 'never');
  return el(
    'tr',
    { dataset: { pipelineId: p.id } },
    el('td', {}, link, el('div', { class: 'muted small' }, p.description ?? '')),
    el('td', {}, p.schedule ? `${p.schedule.cron} (${p.schedule.timezone})` : 'manual only'),
    el('td', {}, fmtTime(p.nextRunAt)),
    last,
    el('td', { class: 'active-runs' }, `${p.activeRuns}${p.schedule ? ` of ${p.schedule.maxActiveRuns}` : ''}`, p.heldRuns ? el('span', { class: 'muted small' }, ` · ${p.heldRuns} held`) : ''),
    el('td', {}, p.paused ? badge('paused') : 'no'),
    el('td', { class: 'row-actions' }, pause, trigger),
  );
}

async function load() {
  try {
    const pipelines = await api('GET', '/pipelines');
    tbody.replaceChildren(...(pipelines.length ? pipelines.map(row) : [el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No pipelines in the pipelines directory.'))]));
  } catch (err) {
    toast(err.message, true);
  }
}

const reload = debounce(load);
followEvents((event) => event.type === 'run' && reload(), reload);
load();
