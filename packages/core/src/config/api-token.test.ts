import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactText } from '../logging/index.js';
import { loadConfig } from './load-config.js';

describe('the API token setting', () => {
  it('is read from PIPELINE_API_TOKEN and scrubbed from log text from then on', () => {
    const token = 'tok-api-setting-0123456789abcdef';
    expect(loadConfig({ env: {}, cwd: os.tmpdir() }).api.token).toBeUndefined();
    expect(loadConfig({ env: { PIPELINE_API_TOKEN: token }, cwd: os.tmpdir() }).api.token).toBe(token);
    expect(redactText(`Authorization: Bearer ${token}`)).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('refuses a token too short to resist guessing', () => {
    expect(() => loadConfig({ env: { PIPELINE_API_TOKEN: 'short' }, cwd: os.tmpdir() })).toThrow(/api\.token: at least 16 characters/);
  });
});
