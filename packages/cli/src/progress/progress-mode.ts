import { UsageError } from '../usage-error.js';

/** `tty`: a live block redrawn in place; `plain`: one timestamped line per change; `off`: nothing. */
export type ProgressMode = 'tty' | 'plain' | 'off';

const MODES: readonly ProgressMode[] = ['tty', 'plain', 'off'];

/** What a terminal stream may offer; a pipe or a test's stream has none of it. */
interface MaybeTerminal {
  isTTY?: boolean;
  columns?: number;
  hasColors?: () => boolean;
}

export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as MaybeTerminal).isTTY === true;
}

/** Width of the terminal, or undefined when the stream is not one (no truncation then). */
export function terminalColumns(stream: NodeJS.WritableStream): number | undefined {
  const columns = (stream as MaybeTerminal).columns;
  return typeof columns === 'number' && columns > 0 ? columns : undefined;
}

/**
 * How progress is shown on `stream` (stderr). `PIPELINE_PROGRESS` (tty, plain, off) decides when
 * set; otherwise a live block on a terminal whose `TERM` is not `dumb`, plain lines elsewhere
 * (CI, pipes, log files). `--json` never gets the live block: its progress is plain lines on
 * stderr (or none with `PIPELINE_PROGRESS=off`), so stdout holds the JSON alone.
 */
export function progressMode(env: NodeJS.ProcessEnv, stream: NodeJS.WritableStream, json = false): ProgressMode {
  const forced = env.PIPELINE_PROGRESS;
  if (forced !== undefined && forced !== '') {
    if (!MODES.includes(forced as ProgressMode)) throw new UsageError(`PIPELINE_PROGRESS must be tty, plain or off, not "${forced}"`);
    return json && forced === 'tty' ? 'plain' : (forced as ProgressMode);
  }
  if (json) return 'plain';
  return isTerminal(stream) && env.TERM !== 'dumb' ? 'tty' : 'plain';
}

/**
 * Whether the live block may use colours: never with `NO_COLOR` (https://no-color.org) or
 * `FORCE_COLOR=0`, always with another `FORCE_COLOR`, else when the terminal says it has them.
 */
export function colorsEnabled(env: NodeJS.ProcessEnv, stream: NodeJS.WritableStream): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const terminal = stream as MaybeTerminal;
  return terminal.isTTY === true && typeof terminal.hasColors === 'function' && terminal.hasColors();
}
