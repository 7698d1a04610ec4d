import type { PhaseSlot } from './phase-change.js';
import { LiveProgress } from './live-progress.js';
import { PlainProgress } from './plain-progress.js';
import { colorsEnabled, terminalColumns, type ProgressMode } from './progress-mode.js';
import { silentProgress, type ProgressRenderer } from './progress-renderer.js';

/** The renderer for `mode` on `stream` (stderr); a live block starts drawing at once. */
export function createProgress(mode: ProgressMode, stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv, slots: PhaseSlot[]): ProgressRenderer {
  switch (mode) {
    case 'off':
      return silentProgress;
    case 'plain':
      return new PlainProgress(stream);
    case 'tty':
      return new LiveProgress(stream, slots, { color: colorsEnabled(env, stream), columns: () => terminalColumns(stream) }).start();
  }
}
