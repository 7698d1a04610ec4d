import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { buildJobBundle, uploadJobBundle } from './job-bundle.js';
import { findRepoRoot } from './spark-home.js';

const sparkDir = path.join(findRepoRoot()!, 'spark');
let dir: string;
const originalTz = process.env.TZ;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'job-bundle-'));
});

afterEach(async () => {
  process.env.TZ = originalTz;
  await rm(dir, { recursive: true, force: true });
});

async function transform(name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, body);
  return file;
}

describe('buildJobBundle', () => {
  it('gives the same bytes and hash for the same sources, in any time zone', async () => {
    const users = path.join(sparkDir, 'transforms', 'users.py');
    process.env.TZ = 'UTC';
    const a = await buildJobBundle({ sparkDir, transformPaths: [users] });
    process.env.TZ = 'Pacific/Auckland';
    const b = await buildJobBundle({ sparkDir, transformPaths: [users] });
    expect(b.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(Buffer.from(b.objects[0]!.body).equals(Buffer.from(a.objects[0]!.body))).toBe(true);
  });

  it('zips the package sorted, with each transform under its content hash, and ships the entry scripts beside it', async () => {
    const file = await transform('shout.py', 'def transform(df, ctx):\n    return df\n');
    const bundle = await buildJobBundle({ sparkDir, transformPaths: [file] });
    expect(bundle.objects.map((o) => o.name)).toEqual(['pipeline_spark.zip', 'load_job.py', 'connectivity_check.py']);
    const entries = Object.keys(unzipSync(bundle.objects[0]!.body));
    expect(entries).toEqual([...entries].sort());
    expect(entries).toContain('pipeline_spark/__init__.py');
    expect(entries).toContain('pipeline_spark/transform_loader.py');
    expect(entries.every((name) => name.endsWith('.py') && !name.includes('__pycache__'))).toBe(true);
    const member = bundle.transformMembers.get(file)!;
    expect(member).toMatch(/^pipeline_transforms\/[0-9a-f]{16}\/shout\.py$/);
    expect(Buffer.from(unzipSync(bundle.objects[0]!.body)[member]!).toString()).toContain('def transform');
  });

  it('changes the hash when a transform changes', async () => {
    const file = await transform('t.py', 'def transform(df, ctx):\n    return df\n');
    const before = await buildJobBundle({ sparkDir, transformPaths: [file] });
    await writeFile(file, 'def transform(df, ctx):\n    return df.limit(1)\n');
    const after = await buildJobBundle({ sparkDir, transformPaths: [file] });
    const none = await buildJobBundle({ sparkDir });
    expect(new Set([before.hash, after.hash, none.hash]).size).toBe(3);
    expect(after.transformMembers.get(file)).not.toBe(before.transformMembers.get(file));
  });
});

describe('uploadJobBundle', () => {
  it('uploads under <codePrefix>/<hash>/ once; a second upload finds the objects there', async () => {
    const bundle = await buildJobBundle({ sparkDir });
    const store = new LocalObjectStore();
    const codePrefix = path.join(dir, 'code');
    const first = await uploadJobBundle(store, codePrefix, bundle);
    expect(first.prefix).toBe(path.join(codePrefix, bundle.hash));
    expect(first.uploaded).toEqual([first.pyFilesUri, first.loadJobUri, first.connectivityCheckUri]);
    expect(await store.get(first.loadJobUri)).toEqual(Buffer.from(bundle.objects[1]!.body));
    const second = await uploadJobBundle(store, codePrefix, bundle);
    expect(second.uploaded).toEqual([]);
    expect(second.pyFilesUri).toBe(first.pyFilesUri);
  });
});
