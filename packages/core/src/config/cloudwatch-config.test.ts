import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const load = (env: Record<string, string>, cwd = os.tmpdir()) => loadConfig({ env, cwd });

describe('the CloudWatch namespace setting', () => {
  it('is off unless PIPELINE_CLOUDWATCH_NAMESPACE is set', () => {
    expect(load({}).metrics.cloudwatchNamespace).toBeUndefined();
    expect(load({ PIPELINE_CLOUDWATCH_NAMESPACE: '' }).metrics.cloudwatchNamespace).toBeUndefined();
    expect(load({ PIPELINE_CLOUDWATCH_NAMESPACE: 'Pipeline' }).metrics.cloudwatchNamespace).toBe('Pipeline');
    expect(load({ PIPELINE_CLOUDWATCH_NAMESPACE: 'Data/Pipeline #2: prod' }).metrics.cloudwatchNamespace).toBe('Data/Pipeline #2: prod');
  });

  it('comes from metrics.cloudwatchNamespace in the config file, and the environment wins', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cloudwatch-config-'));
    try {
      await writeFile(path.join(dir, 'pipeline.config.yaml'), 'metrics: { cloudwatchNamespace: FromFile }\n');
      expect(load({}, dir).metrics.cloudwatchNamespace).toBe('FromFile');
      expect(load({ PIPELINE_CLOUDWATCH_NAMESPACE: 'FromEnv' }, dir).metrics.cloudwatchNamespace).toBe('FromEnv');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['AWS/ECS', /metrics\.cloudwatchNamespace: a namespace of your own, such as Pipeline: names starting with AWS\/ are reserved/],
    [':Pipeline', /metrics\.cloudwatchNamespace: a CloudWatch namespace: 1 to 255 printable ASCII characters/],
    [' Pipeline', /metrics\.cloudwatchNamespace: a CloudWatch namespace/],
    ['Pipeline\tprod', /metrics\.cloudwatchNamespace: a CloudWatch namespace/],
    ['Pipelíne', /metrics\.cloudwatchNamespace: a CloudWatch namespace/],
    ['P'.repeat(256), /metrics\.cloudwatchNamespace: a CloudWatch namespace/],
  ])('refuses %j with a message that says what a namespace may be', (namespace, message) => {
    expect(() => load({ PIPELINE_CLOUDWATCH_NAMESPACE: namespace })).toThrow(message);
  });

  it('refuses an unknown key under metrics', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cloudwatch-config-'));
    try {
      await writeFile(path.join(dir, 'pipeline.config.yaml'), 'metrics: { namespace: Pipeline }\n');
      expect(() => load({}, dir)).toThrow(/metrics: unknown setting namespace/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
