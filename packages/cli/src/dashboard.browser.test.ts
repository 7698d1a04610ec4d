import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '@pipeline/core';
import { startServer, type RunningServer } from '@pipeline/server';
import { repoRoot, uniqueName } from '@pipeline/testing';
import { startWorker, type PipelineWorker } from '@pipeline/worker';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliFixture, type CliFixture } from './test-support/cli-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
// In CI a missing browser is a failure (launch throws), never a silent skip.
const runBrowser = present || process.env.CI === 'true';
if (!runBrowser) console.warn(`dashboard browser test skipped: ${CHROMIUM} is missing (apt-get install chromium); with CI=true it runs and fails instead`);

const SHOTS = path.join(repoRoot(), 'packages/cli/test-artifacts/dashboard');
const HOSTILE = '<img src=x onerror="window.__xss=1">';

/**
 * The dashboard in a real browser against a real server, Redis and worker: sign in through the
 * form, trigger a run from the grid and watch it succeed through the live event stream, open the
 * run, and cancel a run that is still running. The worker's phases are stand-ins that finish in
 * a moment (or, for runs with `hold=true`, wait until they are cancelled): what is under test is
 * the dashboard and the path from a click to the queues and back, not Spark.
 */
describe.runIf(runBrowser)('dashboard in a browser', () => {
  const token = `tok-${uniqueName('dash')}-0123456789`;
  let f: CliFixture;
  let server: RunningServer;
  let worker: PipelineWorker;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    f = await createCliFixture('dashboard');
    await mkdir(SHOTS, { recursive: true });
    await f.writePipeline(
      'shop',
      `id: shop\ndescription: ${JSON.stringify(`orders ${HOSTILE}`)}\nschedule: { cron: "0 3 * * *", timezone: Europe/Berlin, maxActiveRuns: 3 }\nloads:\n  - id: orders\n    source: { table: public.orders_raw, incrementalColumn: updated_at }\n    target: { table: analytics.orders, key: [id] }\n`,
    );
    const { config, redis, keyPrefix } = f;
    const logger = createLogger({ level: 'silent' });
    server = await startServer({ config, redis, keyPrefix, logger, token, host: '127.0.0.1', port: 0 });
    worker = await startWorker({
      config,
      redis,
      keyPrefix,
      logger,
      queues: ['spark', 'sql'],
      concurrency: 2,
      workerId: 'dashboard-test',
      phaseRunner: async (record, _loadId, phase, { signal }) => {
        if (record.params.hold === true && phase === 'extract-transform') {
          await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason ?? new Error('cancelled')), { once: true }));
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
        return phase === 'extract-transform' ? { manifest: { rowsRead: 3, rowsWritten: 3 } } : { rowsInserted: 3 };
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close({ force: true });
    await server?.close();
    await f?.teardown();
  });

  it('signs in, triggers a run from the grid, follows it to success, and cancels a running one', async () => {
    await page.goto(`${server.url}/pipelines/shop`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', `${token}-wrong`);
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('.error')).toContain('not this deployment');
    await page.screenshot({ path: path.join(SHOTS, '01-login-refused.png') });
    await page.fill('#token', token);
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.url}/pipelines/shop`);

    await page.goto(`${server.url}/`);
    const row = page.locator('#pipelines tbody tr[data-pipeline-id="shop"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(HOSTILE);
    expect(await row.textContent()).toContain('0 3 * * * (Europe/Berlin)');
    expect(await row.locator('td.active-runs').textContent()).toBe('0 of 3');
    await row.locator('button.pause-toggle').click();
    await expect.poll(() => row.locator('td').nth(5).textContent()).toBe('paused');
    await page.screenshot({ path: path.join(SHOTS, '02-pipelines-paused.png') });
    await row.locator('button.pause-toggle', { hasText: 'Resume' }).click();
    await expect.poll(() => row.locator('td').nth(5).textContent()).toBe('no');

    await row.locator('a', { hasText: 'shop' }).click();
    await page.waitForURL(`${server.url}/pipelines/shop`);
    await page.click('#trigger');
    const done = page.locator('a.run[data-state="success"]');
    await done.waitFor({ timeout: 30_000 });
    expect(await page.locator('a.cell[data-state="success"]').count()).toBe(6);
    await page.screenshot({ path: path.join(SHOTS, '03-grid.png') });

    await done.click();
    await page.waitForURL(/\/runs\//);
    await expect.poll(() => page.textContent('#run-state')).toBe('success');
    await page.locator('section.phase').first().waitFor();
    expect(await page.locator('section.phase').count()).toBe(6);
    expect(await page.locator('.tl-bar.state-success').count()).toBe(6);
    expect(await page.isDisabled('#cancel')).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, '04-run.png'), fullPage: true });

    await page.goto(`${server.url}/pipelines/shop`);
    await page.fill('#trigger-form input[name=params]', 'hold=true');
    await page.click('#trigger');
    const running = page.locator('a.run[data-state="running"]');
    await running.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SHOTS, '05-grid-running.png') });
    await running.click();
    await page.waitForURL(/\/runs\//);
    await expect.poll(() => page.textContent('#run-state')).toBe('running');
    await page.click('#cancel');
    await expect.poll(() => page.textContent('#run-state'), { timeout: 20_000 }).toBe('cancelled');
    expect(await page.isEnabled('#retry')).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, '06-run-cancelled.png'), fullPage: true });

    await page.goto(`${server.url}/queues`);
    await page.getByText('spark').first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, '07-queues.png') });

    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
