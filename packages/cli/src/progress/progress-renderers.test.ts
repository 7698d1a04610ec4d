import { PassThrough } from 'node:stream';
import { LOAD_PHASES } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import { LiveProgress } from './live-progress.js';
import type { PhaseChange } from './phase-change.js';
import { PlainProgress } from './plain-progress.js';

function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += String(chunk)));
  return { stream, text: () => text };
}

const t0 = Date.parse('2026-11-24T11:20:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000);

/** Two loads; `orders` fails its audit, so its merge and validate never run. */
const CHANGES: PhaseChange[] = [
  { loadId: 'users', phase: 'extract-transform', state: 'running', at: at(0), attempt: 1 },
  { loadId: 'users', phase: 'extract-transform', state: 'success', at: at(12.1), attempt: 1, durationMs: 12_100, rows: 120 },
  { loadId: 'users', phase: 'stage', state: 'running', at: at(12.1), attempt: 1 },
  { loadId: 'users', phase: 'stage', state: 'success', at: at(12.9), attempt: 1, durationMs: 800, rows: 120 },
  { loadId: 'orders', phase: 'extract-transform', state: 'running', at: at(13), attempt: 1 },
  { loadId: 'orders', phase: 'extract-transform', state: 'queued', at: at(14), attempt: 1, errorCode: 'E_SPARK_JOB' },
  { loadId: 'orders', phase: 'extract-transform', state: 'running', at: at(15), attempt: 2 },
  { loadId: 'orders', phase: 'extract-transform', state: 'success', at: at(20), attempt: 2, durationMs: 5_000, rows: 7 },
  { loadId: 'orders', phase: 'audit', state: 'failed', at: at(21), attempt: 1, durationMs: 400, errorCode: 'E_STAGING_CHECKS' },
  { loadId: 'orders', phase: 'merge', state: 'upstream_failed', at: at(21) },
  { loadId: 'orders', phase: 'validate', state: 'upstream_failed', at: at(21) },
  { loadId: 'users', phase: 'audit', state: 'running', at: at(22), attempt: 1 },
];

describe('plain progress', () => {
  it('prints one stable line per change and the outcome, with no terminal codes', () => {
    const out = capture();
    const progress = new PlainProgress(out.stream, () => at(25));
    for (const change of CHANGES) progress.update(change);
    progress.interrupt();
    progress.end({ state: 'failed', durationMs: 25_000 });
    expect(out.text()).toBe(
      [
        '2026-11-24T11:20:00Z users/extract-transform running',
        '2026-11-24T11:20:12Z users/extract-transform success 12.1s rows=120',
        '2026-11-24T11:20:12Z users/stage running',
        '2026-11-24T11:20:12Z users/stage success 0.8s rows=120',
        '2026-11-24T11:20:13Z orders/extract-transform running',
        '2026-11-24T11:20:14Z orders/extract-transform queued error=E_SPARK_JOB',
        '2026-11-24T11:20:15Z orders/extract-transform running attempt=2',
        '2026-11-24T11:20:20Z orders/extract-transform success 5.0s rows=7 attempt=2',
        '2026-11-24T11:20:21Z orders/audit failed 0.4s error=E_STAGING_CHECKS',
        '2026-11-24T11:20:21Z orders/merge upstream_failed',
        '2026-11-24T11:20:21Z orders/validate upstream_failed',
        '2026-11-24T11:20:22Z users/audit running',
        '2026-11-24T11:20:25Z run failed 25.0s',
        '',
      ].join('\n'),
    );
  });
});

describe('live progress', () => {
  const slots = ['users', 'orders'].flatMap((loadId) => LOAD_PHASES.map((phase) => ({ loadId, phase, state: 'pending' as const })));

  it('redraws the block in place and leaves the final frame', () => {
    const out = capture();
    let now = t0;
    const progress = new LiveProgress(out.stream, slots, { color: false, now: () => now, frameMs: 60_000 }).start();
    for (const change of CHANGES) progress.update(change);
    now = t0 + 25_000;
    progress.end();
    const text = out.text();
    // The first frame is drawn at once; the last one moves up over it, clearing each line.
    expect(text.startsWith('\u001b[?25l')).toBe(true);
    const frames = text.split('\r\u001b[2A');
    expect(frames).toHaveLength(2);
    expect(frames[0]).toBe(
      '\u001b[?25l' +
        '\u001b[2Kusers   extract ·  stage ·  audit ·  merge ·  validate ·  cleanup ·\n' +
        '\u001b[2Korders  extract ·  stage ·  audit ·  merge ·  validate ·  cleanup ·\n' +
        '\u001b[J',
    );
    expect(frames[1]).toBe(
      '\u001b[2Kusers   extract ✓ 12.1s  stage ✓ 0.8s  audit … 3s  merge ·  validate ·  cleanup ·\n' +
        '\u001b[2Korders  extract ✓ 5.0s  stage ·  audit ✗ 0.4s  merge -  validate -  cleanup ·\n' +
        '\u001b[J' +
        '\u001b[?25h',
    );
  });

  it('ticks spinners at most once a frame, colours marks when allowed, and cuts lines to the terminal', async () => {
    const out = capture();
    const progress = new LiveProgress(out.stream, slots.slice(0, 6), { color: true, columns: () => 40, frameMs: 20 }).start();
    progress.update({ loadId: 'users', phase: 'extract-transform', state: 'success', at: new Date(), durationMs: 1_000 });
    progress.update({ loadId: 'users', phase: 'stage', state: 'running', at: new Date() });
    await new Promise((resolve) => setTimeout(resolve, 150));
    progress.interrupt();
    progress.end();
    const text = out.text();
    const frames = text.split('\r\u001b[1A');
    // 150 ms at one frame per 20 ms: a handful of frames, each with the next spinner glyph.
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(frames.length).toBeLessThanOrEqual(10);
    expect(frames[1]).toMatch(/stage \u001b\[36m[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\u001b\[39m/);
    expect(frames[1]).toContain('extract \u001b[32m✓\u001b[39m 1.0s');
    // Visible text (codes stripped) stays within 39 columns.
    const visible = frames.at(-1)!.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').trim();
    expect(visible).toBe('users  extract ✓ 1.0s  stage … 0s  aud…');
    expect([...visible]).toHaveLength(39);
    // Ctrl-C shows the cursor at once; the end does not show it twice.
    expect(text.match(/\u001b\[\?25h/g)).toHaveLength(1);
  });
});
