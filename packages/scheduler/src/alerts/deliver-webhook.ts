export interface DeliveryOptions {
  /** Per request. @defaultValue 10_000 */
  timeoutMs?: number;
  /** Requests at most, the first included. @defaultValue 5 */
  maxAttempts?: number;
  /** First backoff; doubled after each retry, with jitter. @defaultValue 1_000 */
  backoffMs?: number;
  /** Longest wait between two requests, `Retry-After` included. @defaultValue 60_000 */
  maxBackoffMs?: number;
  /** No new request starts after this long since the first. @defaultValue 120_000 */
  maxTotalMs?: number;
  /** Aborts the request in flight and the wait: the delivery ends `interrupted`. */
  signal?: AbortSignal;
}

export type DeliveryResult =
  | { outcome: 'delivered'; attempts: number; status: number }
  /** Refused for good (a 4xx other than 429), or retries used up; `reason` is safe to log. */
  | { outcome: 'failed'; attempts: number; status?: number; reason: string }
  | { outcome: 'interrupted'; attempts: number };

/** The longest response text kept for the log: Slack answers with a short error code (`invalid_payload`, `no_service`). */
const MAX_REASON = 200;

/** Seconds or an HTTP date, as `Retry-After` gives them; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error's own words, without the request (whose URL is the credential). */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if ((err as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}

/**
 * POSTs `payload` as JSON. Network errors, timeouts, 5xx and 429 are retried with exponential
 * backoff (429 and 503 after `Retry-After` when given); any other non-2xx answer is final. The
 * URL never appears in the result: it is a credential.
 */
export async function deliverWebhook(url: string, payload: unknown, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const { timeoutMs = 10_000, maxAttempts = 5, backoffMs = 1_000, maxBackoffMs = 60_000, maxTotalMs = 120_000, signal } = options;
  const body = JSON.stringify(payload);
  const started = Date.now();
  let last: { status?: number; reason: string } = { reason: 'not sent' };
  let attempts = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (signal?.aborted) return { outcome: 'interrupted', attempts: attempt - 1 };
    attempts = attempt;
    let wait: number | undefined;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = (await response.text().catch(() => '')).slice(0, MAX_REASON);
      if (response.ok) return { outcome: 'delivered', attempts: attempt, status: response.status };
      last = { status: response.status, reason: `HTTP ${response.status}${text ? `: ${text}` : ''}` };
      if (response.status !== 429 && response.status < 500) return { outcome: 'failed', attempts: attempt, ...last };
      wait = retryAfterMs(response.headers.get('retry-after'));
    } catch (err) {
      if (signal?.aborted) return { outcome: 'interrupted', attempts: attempt };
      last = { reason: networkReason(err) };
    }
    if (attempt === maxAttempts) break;
    const backoff = backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
    const delay = Math.min(maxBackoffMs, wait ?? backoff);
    if (Date.now() - started + delay > maxTotalMs) break;
    if (!(await sleep(delay, signal))) return { outcome: 'interrupted', attempts: attempt };
  }
  return { outcome: 'failed', attempts, ...last };
}
