import { createServer } from 'node:http';
import { ConfigError, type Logger } from '@pipeline/core';

/** What the endpoint serves: a prom-client registry. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** What `GET /healthz` answers: 200 when `status` is `ok`, else 503; the whole object is the body. */
export interface ServiceHealth {
  status: string;
  [detail: string]: unknown;
}

export interface MetricsEndpointOptions {
  host: string;
  /** 0 takes any free port (the log line says which). */
  port: number;
  logger: Logger;
  /** The service's health, asked on every `GET /healthz`. @defaultValue always ok: the process answers */
  health?: () => ServiceHealth;
}

export interface MetricsEndpoint {
  /** `http://<host>:<port>/metrics` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (and HEAD) and `GET /healthz` from a plain node:http server, and 404 for
 * anything else; the worker and the scheduler have no HTTP server of their own to hang them on.
 * `/healthz` is what the container health check (bin/healthcheck.js) asks: a process that stopped
 * answering, or a service that reports itself unwell, gets replaced. No authentication: neither
 * carries a secret (pipeline ids, counts, timings, states), and it listens on loopback unless
 * told otherwise. Resolves once listening; rejects with `E_METRICS_LISTEN` when the address
 * cannot be bound, before the service starts.
 */
export async function startMetricsEndpoint(source: MetricsSource, options: MetricsEndpointOptions): Promise<MetricsEndpoint> {
  const { logger } = options;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/healthz' && read) {
      const health = options.health?.() ?? { status: 'ok' };
      res.writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : `${JSON.stringify(health)}\n`);
      return;
    }
    if (path !== '/metrics' || !read) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics or /healthz\n');
      return;
    }
    source.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': source.contentType }).end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        logger.error({ err }, 'metrics could not be collected');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics could not be collected; see the log\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const message = `cannot serve metrics on ${options.host}:${options.port} (${err.code ?? err.message}): choose another --metrics-port or --metrics-host`;
      reject(new ConfigError(message, { code: 'E_METRICS_LISTEN', cause: err }));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  server.on('error', (err) => logger.error({ err }, 'metrics endpoint error'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/metrics`;
  logger.info({ url }, 'metrics served');
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps its connection open between scrapes.
        server.closeAllConnections();
      })),
  };
}
