import { mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@pipeline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DefinitionSet } from './definition-set.js';

const definition = (id: string, cron = '0 * * * *') => `id: ${id}
schedule: { cron: "${cron}", catchup: true }
loads:
  - id: main
    source: { table: public.src }
    target: { table: public.dst, key: [id] }
`;

interface LogLine {
  level: number;
  msg: string;
  file?: string;
}

describe('DefinitionSet', () => {
  let dir: string;
  let lines: LogLine[];
  let set: DefinitionSet;
  let clock = Date.now() / 1000;

  // Each write gets a distinct modification time, as edits seconds apart would.
  async function write(name: string, text: string): Promise<void> {
    const file = path.join(dir, name);
    await writeFile(file, text);
    clock += 10;
    await utimes(file, clock, clock);
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'scheduler-defs-'));
    lines = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
    set = new DefinitionSet(dir, logger);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const ids = () => set.definitions.map((d) => d.id);
  const errors = () => lines.filter((l) => l.level >= 50);

  it('loads the yaml files of the directory and ignores others', async () => {
    await write('a.yaml', definition('alpha'));
    await write('b.yml', definition('beta'));
    await write('notes.txt', 'not a pipeline');
    expect((await set.refresh()).map((d) => d.id)).toEqual(['alpha', 'beta']);
  });

  it('picks up an edited file without a restart', async () => {
    await write('a.yaml', definition('alpha'));
    await set.refresh();
    await write('a.yaml', definition('alpha', '*/5 * * * *'));
    await set.refresh();
    expect(set.definitions[0]?.schedule?.cron).toBe('*/5 * * * *');
    expect(lines.some((l) => l.msg === 'pipeline definition reloaded')).toBe(true);
  });

  it('does not reread files that did not change', async () => {
    await write('a.yaml', definition('alpha'));
    await set.refresh();
    const before = set.definitions;
    await set.refresh();
    expect(set.definitions).toBe(before);
    expect(lines.filter((l) => l.msg.startsWith('pipeline definition')).length).toBe(1);
  });

  it('keeps the last valid version of a file that breaks, and logs the file', async () => {
    await write('a.yaml', definition('alpha'));
    await write('b.yaml', definition('beta'));
    await set.refresh();
    await write('a.yaml', definition('alpha').replace('catchup: true', 'catchup: sometimes'));
    await expect(set.refresh()).resolves.toBeDefined();
    expect(ids()).toEqual(['alpha', 'beta']);
    expect(set.definitions[0]?.schedule?.catchup).toBe(true);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]?.file).toBe(path.join(dir, 'a.yaml'));
    await write('a.yaml', definition('alpha', '15 * * * *'));
    await set.refresh();
    expect(set.definitions[0]?.schedule?.cron).toBe('15 * * * *');
  });

  it('leaves out a new file that never parsed', async () => {
    await write('a.yaml', definition('alpha'));
    await write('b.yaml', 'id: [unclosed');
    expect((await set.refresh()).map((d) => d.id)).toEqual(['alpha']);
    expect(errors()).toHaveLength(1);
  });

  it('drops the pipelines of removed files', async () => {
    await write('a.yaml', definition('alpha'));
    await write('b.yaml', definition('beta'));
    await set.refresh();
    await unlink(path.join(dir, 'a.yaml'));
    expect((await set.refresh()).map((d) => d.id)).toEqual(['beta']);
  });

  it('keeps the first file of a duplicated id and logs the other', async () => {
    await write('a.yaml', definition('alpha'));
    await write('b.yaml', definition('alpha', '5 * * * *'));
    expect((await set.refresh()).map((d) => d.schedule?.cron)).toEqual(['0 * * * *']);
    expect(errors().map((l) => l.file)).toEqual([path.join(dir, 'b.yaml')]);
  });

  it('keeps what it had when the directory cannot be read', async () => {
    await write('a.yaml', definition('alpha'));
    await set.refresh();
    await rm(dir, { recursive: true });
    expect((await set.refresh()).map((d) => d.id)).toEqual(['alpha']);
    expect(errors()).toHaveLength(1);
  });
});
