import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry as MetricsRegistry } from 'prom-client';

/**
 * A registry for one service's `/metrics`, holding prom-client's default metrics of this process
 * (CPU, memory, event loop lag, GC, handles). Not prom-client's global registry: tests start
 * several services in one process, each with its own.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
