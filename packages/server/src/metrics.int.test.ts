import { parsePipeline } from '@pipeline/core';
import { Orchestrator } from '@pipeline/runs';
import { parsePrometheusText } from '@pipeline/testing';
import { describe, expect, it } from 'vitest';
import { pipelineYaml, useServerFixture } from './test-support/server-fixture.js';

describe('GET /metrics', () => {
  const f = useServerFixture();

  it('needs the bearer token like the API', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('serves the cluster gauges and the process metrics as Prometheus text, outside the OpenAPI document', async () => {
    const orchestrator = new Orchestrator({ redis: f.redis, keyPrefix: f.keyPrefix, logger: f.logger });
    try {
      await orchestrator.createRun({ pipeline: parsePipeline('orders.yaml', pipelineYaml('orders')), trigger: 'manual', interval: null, runId: 'orders.manual.metrics' });
    } finally {
      await orchestrator.close();
    }
    const res = await f.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${f.token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parsePrometheusText(res.body);
    expect(metrics.value('pipeline_runs', { pipeline: 'orders', state: 'queued' })).toBe(1);
    expect(metrics.value('pipeline_runs', { pipeline: 'orders', state: 'success' })).toBe(0);
    expect(metrics.value('pipeline_queue_jobs', { queue: 'spark', state: 'waiting' })).toBe(1);
    expect(metrics.value('pipeline_queue_oldest_waiting_seconds', { queue: 'spark' })).toBeGreaterThanOrEqual(0);
    expect(metrics.value('pipeline_workers', { queue: 'spark' })).toBe(0);
    expect(metrics.types.process_cpu_user_seconds_total).toBe('counter');
    expect(metrics.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });
});
