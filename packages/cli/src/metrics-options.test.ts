import os from 'node:os';
import { loadConfig } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import { metricsListen } from './metrics-options.js';

const config = (env: NodeJS.ProcessEnv) => loadConfig({ env, cwd: os.tmpdir() });

describe('metricsListen', () => {
  it('is off without a port, on loopback by default, and takes flags over the environment', () => {
    expect(metricsListen({}, config({}))).toBeUndefined();
    expect(metricsListen({}, config({ PIPELINE_METRICS_PORT: '9464' }))).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(metricsListen({}, config({ PIPELINE_METRICS_PORT: '9464', PIPELINE_METRICS_HOST: '0.0.0.0' }))).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(metricsListen({ metricsPort: '9100', metricsHost: '::1' }, config({ PIPELINE_METRICS_PORT: '9464', PIPELINE_METRICS_HOST: '0.0.0.0' }))).toEqual({ host: '::1', port: 9100 });
    expect(metricsListen({ metricsPort: '0' }, config({}))).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it.each([
    [{ metricsPort: '-1' }, /--metrics-port "-1" must be a port number/],
    [{ metricsPort: '9464.5' }, /--metrics-port "9464.5" must be a port number/],
    [{ metricsPort: '9464', metricsHost: ' ' }, /--metrics-host needs an address/],
    [{ metricsHost: '0.0.0.0' }, /--metrics-host needs --metrics-port/],
  ])('refuses %j', (flags, message) => {
    expect(() => metricsListen(flags, config({}))).toThrow(message);
  });

  it('refuses a port out of range in the environment', () => {
    expect(() => config({ PIPELINE_METRICS_PORT: '65536' })).toThrow(/metricsPort: a port number from 0 to 65535/);
  });
});
