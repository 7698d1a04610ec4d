import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirs } from '@pipeline/testing';
import { ConfigError } from '../errors/config-error.js';
import { loadConfig } from './load-config.js';

const temp = tempDirs();
afterAll(() => temp.removeAll());

describe('loadConfig', () => {
  it('works with no settings at all', () => {
    const config = loadConfig({ env: {}, cwd: os.tmpdir() });
    expect(config).toMatchObject({ pipelinesDir: './pipelines', tempDir: './.pipeline/tmp', warehouse: { kind: 'postgres' }, compute: { kind: 'local', master: 'local[2]' } });
  });

  it('layers defaults < file < environment < flags', async () => {
    const dir = await temp.make('config-');
    await writeFile(path.join(dir, 'pipeline.config.yaml'), 'tempDir: /from/file\nlogLevel: debug\ncompute: { master: "local[4]" }\n');
    const config = loadConfig({
      cwd: dir,
      env: { PIPELINE_TEMP_DIR: '/from/env', PIPELINE_WAREHOUSE_URL: 'postgres://u@h/db' },
      flags: { pipelinesDir: '/from/flags' },
    });
    expect(config.tempDir).toBe('/from/env');
    expect(config.logLevel).toBe('debug');
    expect(config.compute.master).toBe('local[4]');
    expect(config.compute.jdbcJar).toBe('/usr/share/java/postgresql.jar');
    expect(config.warehouse.url).toBe('postgres://u@h/db');
    expect(config.pipelinesDir).toBe('/from/flags');
  });

  it('refuses unknown settings and bad values with the setting named', async () => {
    const dir = await temp.make('config-');
    await writeFile(path.join(dir, 'pipeline.config.yaml'), 'tempdir: /typo\n');
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/unknown setting tempdir/);
    expect(() => loadConfig({ cwd: os.tmpdir(), env: { PIPELINE_COMPUTE: 'mainframe' } })).toThrow(/compute\.kind/);
    expect(() => loadConfig({ cwd: os.tmpdir(), env: { PIPELINE_WAREHOUSE_URL: 'mysql://x' } })).toThrow(ConfigError);
  });

  it('keeps finished runs 30 days unless retentionDays says otherwise', async () => {
    expect(loadConfig({ env: {}, cwd: os.tmpdir() }).retentionDays).toBe(30);
    expect(loadConfig({ env: { PIPELINE_RETENTION_DAYS: '7' }, cwd: os.tmpdir() }).retentionDays).toBe(7);
    const dir = await temp.make('config-');
    await writeFile(path.join(dir, 'pipeline.config.yaml'), 'retentionDays: 90\n');
    expect(loadConfig({ cwd: dir, env: {} }).retentionDays).toBe(90);
    expect(loadConfig({ cwd: dir, env: { PIPELINE_RETENTION_DAYS: '14' } }).retentionDays).toBe(14);
    expect(loadConfig({ cwd: dir, env: {}, flags: { retentionDays: 3 } }).retentionDays).toBe(3);
  });

  it.each(['0', '1.5', 'forever', '4000'])('refuses PIPELINE_RETENTION_DAYS=%s naming the setting', (value) => {
    expect(() => loadConfig({ cwd: os.tmpdir(), env: { PIPELINE_RETENTION_DAYS: value } })).toThrow(/retentionDays: /);
  });

  it('fails clearly when an explicit config file is missing', () => {
    expect(() => loadConfig({ env: { PIPELINE_CONFIG: '/nope.yaml' } })).toThrow(/config file not found: \/nope.yaml/);
  });
});
