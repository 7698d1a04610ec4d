import type { LoadPhase } from '@pipeline/core';
import type { PhaseState } from '@pipeline/runs';
import type { PhaseChange, PhaseSlot } from './phase-change.js';
import { formatDuration, formatElapsed } from './progress-format.js';
import type { ProgressRenderer } from './progress-renderer.js';

const CSI = '\u001b[';
const HIDE_CURSOR = `${CSI}?25l`;
const SHOW_CURSOR = `${CSI}?25h`;
const CLEAR_LINE = `${CSI}2K`;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

type Style = 'green' | 'red' | 'yellow' | 'cyan' | 'dim';
const STYLE_CODES: Record<Style, [string, string]> = {
  green: ['32', '39'],
  red: ['31', '39'],
  yellow: ['33', '39'],
  cyan: ['36', '39'],
  dim: ['2', '22'],
};

const SHORT_NAMES: Partial<Record<LoadPhase, string>> = { 'extract-transform': 'extract' };

const MARKS: Record<Exclude<PhaseState, 'running'>, [string, Style]> = {
  pending: ['·', 'dim'],
  queued: ['○', 'dim'],
  success: ['✓', 'green'],
  failed: ['✗', 'red'],
  upstream_failed: ['-', 'dim'],
  cancelled: ['⊘', 'yellow'],
};

interface Slot {
  phase: LoadPhase;
  state: PhaseState;
  /** Clock time the current attempt started, for the ticking elapsed time. */
  startedAt?: number;
  durationMs?: number;
}

/** A piece of a line: its text counts towards the width, its style does not. */
interface Piece {
  text: string;
  style?: Style;
}

export interface LiveProgressOptions {
  /** Colour the marks (see `colorsEnabled`). */
  color: boolean;
  /** Terminal width, read at every frame so a resized window is followed; lines are cut to it. */
  columns?: () => number | undefined;
  /** @defaultValue Date.now */
  now?: () => number;
  /** Time between frames: redraws are throttled to this, and the spinner ticks at it. @defaultValue 100 */
  frameMs?: number;
}

/**
 * The live block on a terminal: one line per load with its phases
 * (`users  extract ✓ 12.1s  stage ✓ 0.8s  audit ⠋ 3s  merge ·`), redrawn in place by moving the
 * cursor up over the previous frame and clearing each line. Changes only mark the block dirty;
 * a timer draws at most one frame per `frameMs`, which also ticks spinners and elapsed times.
 * The cursor is hidden while the block is live and shown again at the end, on Ctrl-C
 * (`interrupt`) and when the process exits.
 */
export class LiveProgress implements ProgressRenderer {
  private readonly stream: NodeJS.WritableStream;
  private readonly loads = new Map<string, Slot[]>();
  private readonly options: Required<Pick<LiveProgressOptions, 'now' | 'frameMs' | 'color'>> & Pick<LiveProgressOptions, 'columns'>;
  private drawnLines = 0;
  private tick = 0;
  private dirty = true;
  private cursorHidden = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly restoreCursor = () => this.showCursor();

  constructor(stream: NodeJS.WritableStream, slots: PhaseSlot[], options: LiveProgressOptions) {
    this.stream = stream;
    this.options = { now: Date.now, frameMs: 100, ...options };
    for (const slot of slots) this.slotsOf(slot.loadId).push({ phase: slot.phase, state: slot.state });
  }

  /** Draws the first frame and starts the frame timer. */
  start(): this {
    this.stream.write(HIDE_CURSOR);
    this.cursorHidden = true;
    process.on('exit', this.restoreCursor);
    this.draw(false);
    this.timer = setInterval(() => {
      this.tick += 1;
      if (this.dirty || this.anyRunning()) this.draw(false);
    }, this.options.frameMs);
    this.timer.unref();
    return this;
  }

  update(change: PhaseChange): void {
    const slots = this.slotsOf(change.loadId);
    let slot = slots.find((s) => s.phase === change.phase);
    if (!slot) {
      slot = { phase: change.phase, state: change.state };
      slots.push(slot);
    }
    slot.state = change.state;
    if (change.state === 'running') {
      slot.startedAt = change.at.getTime();
      delete slot.durationMs;
    } else if (change.durationMs !== undefined) {
      slot.durationMs = change.durationMs;
    } else if (slot.startedAt !== undefined && (change.state === 'success' || change.state === 'failed')) {
      slot.durationMs = change.at.getTime() - slot.startedAt;
    }
    this.dirty = true;
  }

  interrupt(): void {
    this.showCursor();
  }

  /** Stops the timer and leaves the final frame on screen, with the cursor below it. */
  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw(true);
    this.showCursor();
    process.off('exit', this.restoreCursor);
  }

  private showCursor(): void {
    if (!this.cursorHidden) return;
    this.cursorHidden = false;
    this.stream.write(SHOW_CURSOR);
  }

  private slotsOf(loadId: string): Slot[] {
    let slots = this.loads.get(loadId);
    if (!slots) {
      slots = [];
      this.loads.set(loadId, slots);
    }
    return slots;
  }

  private anyRunning(): boolean {
    for (const slots of this.loads.values()) if (slots.some((s) => s.state === 'running')) return true;
    return false;
  }

  private draw(final: boolean): void {
    const width = Math.max(...[...this.loads.keys()].map((id) => id.length), 0);
    const columns = this.options.columns?.();
    const lines = [...this.loads].map(([loadId, slots]) => this.renderLine(loadId.padEnd(width), slots, final, columns));
    let frame = this.drawnLines > 0 ? `\r${CSI}${this.drawnLines}A` : '';
    for (const line of lines) frame += `${CLEAR_LINE}${line}\n`;
    // A frame never has fewer lines than the one before, but clear below in case it does.
    frame += `${CSI}J`;
    this.stream.write(frame);
    this.drawnLines = lines.length;
    this.dirty = false;
  }

  private renderLine(label: string, slots: Slot[], final: boolean, columns: number | undefined): string {
    const pieces: Piece[] = [{ text: label }];
    for (const slot of slots) {
      pieces.push({ text: `  ${SHORT_NAMES[slot.phase] ?? slot.phase} ` });
      if (slot.state === 'running') {
        pieces.push({ text: final ? '…' : SPINNER[this.tick % SPINNER.length]!, style: 'cyan' });
        if (slot.startedAt !== undefined) pieces.push({ text: ` ${formatElapsed(this.options.now() - slot.startedAt)}` });
        continue;
      }
      const [mark, style] = MARKS[slot.state];
      pieces.push({ text: mark, style });
      if (slot.durationMs !== undefined && (slot.state === 'success' || slot.state === 'failed')) pieces.push({ text: ` ${formatDuration(slot.durationMs)}` });
    }
    return this.join(columns === undefined ? pieces : fit(pieces, columns - 1));
  }

  private join(pieces: Piece[]): string {
    return pieces
      .map(({ text, style }) => {
        if (!style || !this.options.color) return text;
        const [on, off] = STYLE_CODES[style];
        return `${CSI}${on}m${text}${CSI}${off}m`;
      })
      .join('');
  }
}

/** Cuts pieces to `width` visible characters, ending with `…` when something was cut: a wrapped line would break the cursor arithmetic. */
function fit(pieces: Piece[], width: number): Piece[] {
  const total = pieces.reduce((n, p) => n + [...p.text].length, 0);
  if (total <= width) return pieces;
  const kept: Piece[] = [];
  let room = Math.max(0, width - 1);
  for (const piece of pieces) {
    const chars = [...piece.text];
    if (chars.length <= room) {
      kept.push(piece);
      room -= chars.length;
      continue;
    }
    if (room > 0) kept.push({ ...piece, text: chars.slice(0, room).join('') });
    break;
  }
  kept.push({ text: '…' });
  return kept;
}
