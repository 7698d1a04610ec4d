import { describe, expect, it } from 'vitest';
import { spawnCliProcess } from './cli-process.js';

// Spawns packages/cli/bin/pipeline.js: build first (`npx nx run-many -t build`).

describe('spawnCliProcess', () => {
  it('finds a line already written, and has every byte of output once the process ended', async () => {
    const cli = spawnCliProcess(['schema'], process.env);
    const { code } = await cli.exited;
    expect(code, cli.stderr()).toBe(0);
    expect(await cli.waitFor(/"\$schema"/, { stream: 'stdout' })).toContain('json-schema.org');
    expect(JSON.parse(cli.stdout())).toMatchObject({ type: 'object' });
    expect(cli.output()).toBe(cli.stdout().trimEnd());
  });

  it('rejects a wait when the process ends without the line, naming the pattern and showing the output', async () => {
    const cli = spawnCliProcess(['validate', '--pipelines', '/nonexistent'], process.env);
    const waiting = cli.waitFor(/never written/);
    await expect(waiting).rejects.toThrow(/ended \(2\) before writing a line matching \/never written\/:\n.*pipelines directory not found/s);
    await expect(cli.waitFor(/never written/, { stream: 'stderr' })).rejects.toThrow(/ended \(2\) without writing/);
  });

  it('rejects a wait that outlasts its timeout', async () => {
    const cli = spawnCliProcess(['schema'], process.env);
    await expect(cli.waitFor(/"\$schema"/, { stream: 'stderr', timeoutMs: 1 })).rejects.toThrow(/no line matching .* within 1 ms/);
    await cli.exited;
  });
});
