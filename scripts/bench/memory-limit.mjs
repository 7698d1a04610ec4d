// Runs a benchmark child under a memory limit, as its container runs it in a deployment. Node
// sizes its heap, and so how lazily it collects garbage, from the memory it may use: a process
// measured with the whole machine's memory at hand grows far more than the same process in its
// task's 512 MiB. Needs a cgroup this process may create (root, memory controller mounted);
// elsewhere there is no limit and the figure says so.
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';

const LAYOUTS = [
  // cgroup v2: one hierarchy, the limit in memory.max.
  { base: '/sys/fs/cgroup', mark: 'cgroup.controllers', limitFile: 'memory.max' },
  // cgroup v1: the memory controller's own hierarchy.
  { base: '/sys/fs/cgroup/memory', mark: 'memory.limit_in_bytes', limitFile: 'memory.limit_in_bytes' },
];

/**
 * A memory cgroup limited to `limitBytes`, or null where none can be made. `wrap` turns a
 * command into one that enters the cgroup before it starts; `remove` deletes the cgroup once its
 * processes have ended.
 */
export function memoryCgroup(name, limitBytes) {
  for (const { base, mark, limitFile } of LAYOUTS) {
    // Only a mounted cgroup hierarchy has these files; elsewhere the folder is a plain one.
    if (!existsSync(`${base}/${mark}`)) continue;
    const dir = `${base}/${name}`;
    try {
      mkdirSync(dir);
    } catch {
      continue;
    }
    try {
      // The kernel fills a new cgroup with its control files; writing the limit would create a plain file otherwise.
      if (!existsSync(`${dir}/cgroup.procs`) || !existsSync(`${dir}/${limitFile}`)) throw new Error('not a cgroup');
      writeFileSync(`${dir}/${limitFile}`, String(limitBytes));
    } catch {
      rmdirSync(dir);
      continue;
    }
    return {
      wrap: (command, args) => ['/bin/sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, command, ...args]],
      remove: () => {
        try {
          rmdirSync(dir);
        } catch {
          // Still busy or already gone: the kernel keeps an empty cgroup harmlessly.
        }
      },
    };
  }
  return null;
}
