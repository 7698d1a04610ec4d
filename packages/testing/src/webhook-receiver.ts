import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

/** One POST the receiver got, whatever it answered. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: unknown;
  /** The status it was answered with. */
  status: number;
}

/** What to answer a request with: a status, and headers such as `retry-after`. */
export interface ReceiverReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (to exceed a client's timeout). */
  delayMs?: number;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook/<secret-looking token>`. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: ReceivedRequest[];
  /** The bodies of the requests answered with a 2xx: what was delivered. */
  delivered(): unknown[];
  /**
   * Sets how the next requests are answered: each call of `reply` takes the next entry, the last
   * one repeats. @defaultValue 200 for every request
   */
  answer(replies: ReceiverReply[]): void;
  close(): Promise<void>;
}

/**
 * A local HTTP endpoint standing in for a Slack incoming webhook or any alert receiver: it
 * records what it gets and answers as the test tells it, so delivery, retries and dedupe are
 * checked against real HTTP.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let replies: ReceiverReply[] = [{ status: 200, body: 'ok' }];
  let next = 0;
  const send = (res: ServerResponse, reply: ReceiverReply) => {
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
    res.end(reply.body ?? (reply.status < 300 ? 'ok' : 'error'));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const reply = replies[Math.min(next, replies.length - 1)]!;
      next += 1;
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, status: reply.status });
      if (reply.delayMs) setTimeout(() => send(res, reply), reply.delayMs).unref();
      else send(res, reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook/T0000-B0000-receiver-token`,
    requests,
    delivered: () => requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.body),
    answer(list) {
      replies = list.length > 0 ? list : [{ status: 200 }];
      next = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
