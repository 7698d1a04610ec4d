import type { PhaseChange, RunOutcome } from './phase-change.js';
import { formatPlainLine, formatPlainOutcome } from './progress-format.js';
import type { ProgressRenderer } from './progress-renderer.js';

/** One timestamped line per change, no terminal codes: for CI logs, pipes and grep. */
export class PlainProgress implements ProgressRenderer {
  private readonly stream: NodeJS.WritableStream;
  private readonly now: () => Date;

  constructor(stream: NodeJS.WritableStream, now: () => Date = () => new Date()) {
    this.stream = stream;
    this.now = now;
  }

  update(change: PhaseChange): void {
    this.stream.write(`${formatPlainLine(change)}\n`);
  }

  interrupt(): void {}

  end(outcome?: RunOutcome): void {
    if (outcome) this.stream.write(`${formatPlainOutcome(outcome, this.now())}\n`);
  }
}
