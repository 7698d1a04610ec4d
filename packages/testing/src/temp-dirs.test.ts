import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './temp-dirs.js';

describe('tempDirs', () => {
  it('makes directories under the temp dir and removes them with what they hold', async () => {
    const temp = tempDirs();
    const a = await temp.make('temp-dirs-a-');
    const b = await temp.make('temp-dirs-b-');
    expect(path.dirname(a)).toBe(os.tmpdir());
    expect(path.basename(a)).toMatch(/^temp-dirs-a-/);
    expect(a).not.toBe(b);
    await mkdir(path.join(b, 'nested'));
    await writeFile(path.join(b, 'nested', 'file.txt'), 'x');
    await temp.removeAll();
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
    // Nothing is left to remove, and removing again is no error.
    await temp.removeAll();
  });
});
