import { MetricsReadTimeoutError } from './metrics-read-timeout-error.js';

/** A read whose callers never wait longer than a deadline. */
export interface BoundedReadOptions {
  /** How long a caller waits; past it the caller gets undefined and the read goes on. */
  timeoutMs: number;
  /** A result younger than this is returned again without reading. */
  freshMs: number;
  /** Called once per failed or timed-out attempt, however many callers shared it. */
  onFailure: (err: unknown) => void;
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * Wraps `read` for scrapes: callers at the same time share one attempt, and a read still running
 * after a timeout is not started again until it settles, so a slow Redis never piles up reads.
 */
export function boundedRead<T>(read: () => Promise<T>, options: BoundedReadOptions): () => Promise<T | undefined> {
  const now = options.now ?? Date.now;
  let reading: Promise<T> | undefined;
  let attempt: Promise<T | undefined> | undefined;
  let last: { value: T; at: number } | undefined;

  function startRead(): Promise<T> {
    const started = read().then((value) => {
      last = { value, at: now() };
      return value;
    });
    reading = started;
    const settled = () => {
      if (reading === started) reading = undefined;
    };
    started.then(settled, settled);
    return started;
  }

  async function tryOnce(): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MetricsReadTimeoutError(options.timeoutMs)), options.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([reading ?? startRead(), deadline]);
    } catch (err) {
      options.onFailure(err);
      return undefined;
    } finally {
      clearTimeout(timer);
      attempt = undefined;
    }
  }

  return () => {
    if (last && now() - last.at < options.freshMs) return Promise.resolve(last.value);
    attempt ??= tryOnce();
    return attempt;
  };
}
