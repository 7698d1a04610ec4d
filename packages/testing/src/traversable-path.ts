import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Lets another user reach `target` by adding the execute (search) bit for "others" on every
 * ancestor folder that lacks it: traversal only, never read. Needed when the server runs as an
 * unprivileged user from binaries inside a checkout under a private folder (as `mktemp -d` makes
 * them). The bits are left in place: servers in other test processes may still be starting from
 * the same binaries, and taking the bit away under them would make their start fail.
 */
export function makeTraversable(target: string): void {
  let dir = path.dirname(path.resolve(target));
  for (;;) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
