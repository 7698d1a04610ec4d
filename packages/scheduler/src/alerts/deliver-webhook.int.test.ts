import { freePort, startWebhookReceiver, type WebhookReceiver } from '@pipeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverWebhook, retryAfterMs } from './deliver-webhook.js';

const FAST = { backoffMs: 20, maxBackoffMs: 2_000, timeoutMs: 1_000 };

describe('deliverWebhook against a real HTTP receiver', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => receiver.close());

  it('POSTs the payload as JSON once when the receiver takes it', async () => {
    const result = await deliverWebhook(receiver.url, { text: 'hello' }, FAST);
    expect(result).toEqual({ outcome: 'delivered', attempts: 1, status: 200 });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({ method: 'POST', body: { text: 'hello' } });
    expect(receiver.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('retries a 5xx and delivers on the next answer', async () => {
    receiver.answer([{ status: 500 }, { status: 503 }, { status: 200 }]);
    expect(await deliverWebhook(receiver.url, { n: 1 }, FAST)).toEqual({ outcome: 'delivered', attempts: 3, status: 200 });
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 503, 200]);
  });

  it('waits for Retry-After on a 429', async () => {
    receiver.answer([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const started = Date.now();
    expect(await deliverWebhook(receiver.url, { n: 1 }, FAST)).toMatchObject({ outcome: 'delivered', attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('does not retry another 4xx, and says what the receiver answered', async () => {
    receiver.answer([{ status: 400, body: 'invalid_payload' }, { status: 200 }]);
    expect(await deliverWebhook(receiver.url, { n: 1 }, FAST)).toEqual({ outcome: 'failed', attempts: 1, status: 400, reason: 'HTTP 400: invalid_payload' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries a request that times out', async () => {
    receiver.answer([{ status: 200, delayMs: 1_500 }, { status: 200 }]);
    expect(await deliverWebhook(receiver.url, { n: 1 }, { ...FAST, timeoutMs: 300 })).toMatchObject({ outcome: 'delivered', attempts: 2 });
  });

  it('gives up after maxAttempts when nothing listens, without naming the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}/hook/secret-token-path`;
    const result = await deliverWebhook(url, { n: 1 }, { ...FAST, maxAttempts: 3 });
    expect(result).toMatchObject({ outcome: 'failed', attempts: 3, reason: 'ECONNREFUSED' });
    expect(JSON.stringify(result)).not.toContain('secret-token-path');
  });

  it('stops retrying when aborted', async () => {
    receiver.answer([{ status: 500 }]);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const result = await deliverWebhook(receiver.url, { n: 1 }, { ...FAST, backoffMs: 5_000, signal: abort.signal });
    expect(result).toEqual({ outcome: 'interrupted', attempts: 1 });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
