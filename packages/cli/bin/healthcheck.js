#!/usr/bin/env node
// Container health check of `pipeline worker` and `pipeline scheduler`: asks the service's own
// GET /healthz on its metrics port (PIPELINE_METRICS_PORT) and exits 0 when it answers 200, 1
// otherwise. Kept free of the project's modules so that running it every few seconds costs a
// bare node start, not the whole command line.
const port = Number(process.env.PIPELINE_METRICS_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write('healthcheck: set PIPELINE_METRICS_PORT to the port the service serves /metrics and /healthz on\n');
  process.exit(1);
}
// A service listening on every address is asked on loopback.
const configured = process.env.PIPELINE_METRICS_HOST;
const host = !configured || configured === '0.0.0.0' || configured === '::' ? '127.0.0.1' : configured;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(Number(process.env.PIPELINE_HEALTHCHECK_TIMEOUT_MS ?? 3000)) });
  process.stdout.write(await res.text());
  process.exit(res.status === 200 ? 0 : 1);
} catch (err) {
  process.stderr.write(`healthcheck: no answer from ${url}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
