import type { Alert, AlertKind } from './alert.js';

/** Slack's `metadata.event_type` of every alert. */
export const ALERT_EVENT_TYPE = 'pipeline_alert';

type PayloadValue = string | number | boolean;

/**
 * The JSON POSTed to the webhook. `text` and `blocks` are what Slack shows; `metadata` carries
 * the structured facts for other receivers. Slack does not document that it ignores unknown
 * top-level fields, but it does accept `metadata` ({event_type, event_payload}) on incoming
 * webhooks, so the facts go there rather than into a field of our own.
 */
export interface AlertPayload {
  text: string;
  blocks: SlackBlock[];
  metadata: { event_type: typeof ALERT_EVENT_TYPE; event_payload: Record<string, PayloadValue> };
}

type MrkdwnText = { type: 'mrkdwn'; text: string };
export type SlackBlock = { type: 'section'; text?: MrkdwnText; fields?: MrkdwnText[] } | { type: 'context'; elements: MrkdwnText[] };

export interface PayloadOptions {
  /** Public base URL of `pipeline serve`: alerts link to `<dashboardUrl>/runs/<runId>`. */
  dashboardUrl?: string;
}

const TITLES: Record<AlertKind, string> = {
  run_failed: 'Run failed',
  check_failed: 'Checks failed',
  deadline_missed: 'Deadline missed',
  phase_stalled: 'Phase stalled',
};

// Slack: a section's text up to 3000 characters, a field's up to 2000.
const MAX_MESSAGE = 1500;
const MAX_FIELD = 1900;

/** Slack's mrkdwn control characters in text we did not write. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `2026-01-01T00:00:00.000Z` → `2026-01-01 00:00Z`. */
function instant(iso: string): string {
  return iso.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/, '$1 $2Z');
}

function interval(alert: Alert): string {
  return alert.intervalStart && alert.intervalEnd ? `${instant(alert.intervalStart)} → ${instant(alert.intervalEnd)}` : 'full refresh';
}

export function runLink(dashboardUrl: string | undefined, runId: string): string | undefined {
  return dashboardUrl ? `${dashboardUrl.replace(/\/+$/, '')}/runs/${encodeURIComponent(runId)}` : undefined;
}

/** What happened, in a few words after the title. */
function detail(alert: Alert): string {
  const where = alert.loadId && alert.phase ? ` in ${alert.loadId}/${alert.phase}` : '';
  switch (alert.kind) {
    case 'run_failed':
      return 'the run failed';
    case 'check_failed':
      return `${alert.checks?.length ? alert.checks.join(', ') : 'data checks'} failed${where}`;
    case 'deadline_missed':
      return `still ${alert.state} past its deadline ${alert.deadline ? instant(alert.deadline) : ''}`.trimEnd();
    case 'phase_stalled':
      return `worker ${alert.worker ?? '(unknown)'} died during attempt ${alert.attempt ?? '?'}${where}`;
  }
}

/** The structured facts, flat, without empty values (Slack's metadata takes no nulls). */
export function alertFacts(alert: Alert, options: PayloadOptions = {}): Record<string, PayloadValue> {
  const facts: Record<string, PayloadValue | undefined> = {
    kind: alert.kind,
    pipelineId: alert.pipelineId,
    runId: alert.runId,
    trigger: alert.trigger,
    state: alert.state,
    intervalStart: alert.intervalStart ?? undefined,
    intervalEnd: alert.intervalEnd ?? undefined,
    loadId: alert.loadId,
    phase: alert.phase,
    attempt: alert.attempt,
    worker: alert.worker,
    errorCode: alert.error?.code,
    errorMessage: alert.error && cut(alert.error.message, MAX_MESSAGE),
    checks: alert.checks?.join(', '),
    deadline: alert.deadline,
    at: alert.at,
    url: runLink(options.dashboardUrl, alert.runId),
    key: alert.key,
  };
  return Object.fromEntries(Object.entries(facts).filter((e): e is [string, PayloadValue] => e[1] !== undefined && e[1] !== ''));
}

/** The Slack-compatible message of an alert. */
export function alertPayload(alert: Alert, options: PayloadOptions = {}): AlertPayload {
  const link = runLink(options.dashboardUrl, alert.runId);
  const title = TITLES[alert.kind];
  const text =
    `${title}: pipeline ${escape(alert.pipelineId)}, run ${escape(alert.runId)} (${interval(alert)}): ${escape(detail(alert))}` +
    (alert.error ? ` — ${escape(alert.error.code)}` : '') +
    (link ? ` <${link}|open run>` : '');

  const fields: MrkdwnText[] = [
    { type: 'mrkdwn', text: `*Pipeline*\n${escape(alert.pipelineId)}` },
    { type: 'mrkdwn', text: `*Run*\n${link ? `<${link}|${escape(alert.runId)}>` : escape(alert.runId)}` },
    { type: 'mrkdwn', text: `*Interval*\n${interval(alert)}` },
    { type: 'mrkdwn', text: `*State*\n${alert.state} (${alert.trigger})` },
  ];
  if (alert.loadId && alert.phase) fields.push({ type: 'mrkdwn', text: `*Phase*\n${escape(alert.loadId)}/${alert.phase}${alert.attempt ? `, attempt ${alert.attempt}` : ''}` });
  if (alert.worker) fields.push({ type: 'mrkdwn', text: `*Worker*\n${escape(alert.worker)}` });
  if (alert.checks?.length) fields.push({ type: 'mrkdwn', text: cut(`*Checks*\n${escape(alert.checks.join(', '))}`, MAX_FIELD) });
  if (alert.deadline) fields.push({ type: 'mrkdwn', text: `*Deadline*\n${instant(alert.deadline)}` });
  if (alert.error) fields.push({ type: 'mrkdwn', text: `*Error*\n${escape(alert.error.code)}` });

  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${title}*: ${escape(detail(alert))}` } },
    { type: 'section', fields },
  ];
  if (alert.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${escape(cut(alert.error.message, MAX_MESSAGE))}\`\`\`` } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${alert.kind} at ${instant(alert.at)}` }] });

  return { text, blocks, metadata: { event_type: ALERT_EVENT_TYPE, event_payload: alertFacts(alert, options) } };
}
