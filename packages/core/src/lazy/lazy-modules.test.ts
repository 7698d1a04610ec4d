import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadedFiles } from '@pipeline/testing';
import { describe, expect, it } from 'vitest';

// Importing @pipeline/core must not load the AWS SDK or pg: the scheduler, the API server and
// the short CLI commands import core and use neither. Checked on the built package (the test
// target builds it first), in a fresh process, as those programs load it.

const coreDir = fileURLToPath(new URL('../..', import.meta.url));
const HEAVY = /[\\/]node_modules[\\/](@aws-sdk|@smithy|pg|pg-[^\\/]+)[\\/]/;

/** The files a fresh `node` loads to run `script` (an ES module) from the core package's folder. */
async function filesLoadedBy(script: string): Promise<string[]> {
  return (await loadedFiles(['--input-type=module', '-e', script], { cwd: coreDir })).files;
}

describe('importing @pipeline/core', () => {
  it('loads neither the AWS SDK nor pg', async () => {
    const files = await filesLoadedBy("await import('@pipeline/core');");
    expect(files.some((file) => file.includes(`${path.sep}core${path.sep}dist${path.sep}index.js`))).toBe(true);
    expect(files.filter((file) => HEAVY.test(file))).toEqual([]);
  });

  it('(the check sees them when they are loaded)', async () => {
    const files = await filesLoadedBy("await import('pg'); await import('@aws-sdk/client-s3');");
    expect(files.some((file) => /[\\/]node_modules[\\/]pg[\\/]/.test(file))).toBe(true);
    expect(files.some((file) => /[\\/]node_modules[\\/]@aws-sdk[\\/]client-s3[\\/]/.test(file))).toBe(true);
  });
});
