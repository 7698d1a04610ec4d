import { open } from 'node:fs/promises';

// A phase log can be large; the tail is read from the end so a request never loads it whole.
const MAX_TAIL_BYTES = 1024 * 1024;

/** The last `count` lines of a file, reading at most its last 1 MiB. Undefined when there is no such file. */
export async function tailLines(file: string, count: number): Promise<string[] | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    // The first line may have been cut by the 1 MiB window.
    if (length < size) lines.shift();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}
