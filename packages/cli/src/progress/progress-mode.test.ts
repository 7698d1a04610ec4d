import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorsEnabled, progressMode } from './progress-mode.js';

/** A stream that says it is a terminal, as process.stderr does on one. */
function terminal(colors = true): NodeJS.WritableStream {
  return Object.assign(new PassThrough(), { isTTY: true, columns: 100, hasColors: () => colors });
}

describe('progress mode', () => {
  it('draws live on a terminal and prints plain lines anywhere else', () => {
    expect(progressMode({}, terminal())).toBe('tty');
    expect(progressMode({}, new PassThrough())).toBe('plain');
    expect(progressMode({ TERM: 'dumb' }, terminal())).toBe('plain');
  });

  it('never draws live with --json', () => {
    expect(progressMode({}, terminal(), true)).toBe('plain');
    expect(progressMode({ PIPELINE_PROGRESS: 'tty' }, terminal(), true)).toBe('plain');
    expect(progressMode({ PIPELINE_PROGRESS: 'off' }, terminal(), true)).toBe('off');
  });

  it('does what PIPELINE_PROGRESS says, and refuses what it does not know', () => {
    expect(progressMode({ PIPELINE_PROGRESS: 'tty' }, new PassThrough())).toBe('tty');
    expect(progressMode({ PIPELINE_PROGRESS: 'plain' }, terminal())).toBe('plain');
    expect(progressMode({ PIPELINE_PROGRESS: 'off' }, terminal())).toBe('off');
    expect(progressMode({ PIPELINE_PROGRESS: '' }, terminal())).toBe('tty');
    expect(() => progressMode({ PIPELINE_PROGRESS: 'fancy' }, terminal())).toThrow(/PIPELINE_PROGRESS must be tty, plain or off, not "fancy"/);
  });

  it('colours only where allowed', () => {
    expect(colorsEnabled({}, terminal())).toBe(true);
    expect(colorsEnabled({}, terminal(false))).toBe(false);
    expect(colorsEnabled({ NO_COLOR: '1' }, terminal())).toBe(false);
    expect(colorsEnabled({}, new PassThrough())).toBe(false);
    expect(colorsEnabled({ FORCE_COLOR: '1' }, new PassThrough())).toBe(true);
    expect(colorsEnabled({ FORCE_COLOR: '0' }, terminal())).toBe(false);
  });
});
