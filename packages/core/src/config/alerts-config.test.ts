import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactText } from '../logging/index.js';
import { loadConfig } from './load-config.js';

describe('the alert settings', () => {
  it('read the webhook from PIPELINE_ALERT_WEBHOOK_URL and scrub it from log text from then on', () => {
    const url = 'https://hooks.example.com/services/T000/B000/alerts-setting-secret';
    expect(loadConfig({ env: {}, cwd: os.tmpdir() }).alerts.webhookUrl).toBeUndefined();
    const config = loadConfig({ env: { PIPELINE_ALERT_WEBHOOK_URL: url, PIPELINE_DASHBOARD_URL: 'https://pipeline.example.com/' }, cwd: os.tmpdir() });
    expect(config.alerts.webhookUrl).toBe(url);
    expect(config.dashboardUrl).toBe('https://pipeline.example.com/');
    expect(redactText(`POST ${url} failed`)).toBe(`POST ${REDACTED} failed`);
  });

  it('refuses a webhook that is not an http(s) URL, without repeating it', () => {
    const secret = 'hooks.example.com/services/not-a-url-secret';
    let message = '';
    try {
      loadConfig({ env: { PIPELINE_ALERT_WEBHOOK_URL: secret }, cwd: os.tmpdir() });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/alerts\.webhookUrl: an http:\/\/ or https:\/\/ URL/);
    expect(message).not.toContain(secret);
    expect(() => loadConfig({ env: { PIPELINE_DASHBOARD_URL: 'ftp://example.com' }, cwd: os.tmpdir() })).toThrow(/dashboardUrl: an http:\/\/ or https:\/\/ URL/);
  });
});
