import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findRepoRoot, repoRoot } from './repo-root.js';

describe('findRepoRoot', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('skips package manifests without workspaces', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'repo-root-'));
    const pkg = path.join(dir, 'packages', 'a', 'src');
    await mkdir(pkg, { recursive: true });
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ workspaces: ['packages/*'] }));
    await writeFile(path.join(dir, 'packages', 'a', 'package.json'), JSON.stringify({ name: 'a' }));
    expect(findRepoRoot(pkg)).toBe(dir);
  });

  it('says what is wrong outside a checkout', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'repo-root-'));
    expect(() => findRepoRoot(dir as string)).toThrow(/No package.json with "workspaces"/);
  });
});

describe('repoRoot', () => {
  it('finds this repository', async () => {
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile(path.join(repoRoot(), 'package.json'), 'utf8')) as { workspaces?: unknown };
    expect(manifest.workspaces).toContain('packages/*');
  });
});
