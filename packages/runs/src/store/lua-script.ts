import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Redis } from 'ioredis';

export interface LuaScriptOptions {
  /** URL of the folder holding `<name>.lua`, ending in `/`. @defaultValue the run store's `lua/` */
  folder?: URL;
  /**
   * Scripts of the same folder whose local functions this one calls: their source goes before
   * its own, so that one function serves several scripts. @defaultValue none
   */
  uses?: readonly string[];
  /**
   * Functions of the installed BullMQ's own scripts (`commands/includes/<name>.lua`, with the
   * functions they include in turn) that this one calls: they go first, after
   * `local rcall = redis.call`, which they expect. A script that writes BullMQ's keys this way
   * follows the layout of the BullMQ version installed, as BullMQ's own scripts do. @defaultValue none
   */
  bullmq?: readonly string[];
}

/** BullMQ's Lua functions, the folder its scripts include them from. */
let bullmqIncludes: string | undefined;

const INCLUDE = /^--- @include "([^"]+)"\s*$/gm;

/**
 * The source of BullMQ's functions `names` and of those they include, each once, every one after
 * those it includes (the order BullMQ's own script loader puts them in).
 */
function bullmqFunctions(names: readonly string[]): string {
  bullmqIncludes ??= path.join(path.dirname(createRequire(import.meta.url).resolve('bullmq')), 'commands', 'includes');
  const done = new Set<string>();
  const out: string[] = [];
  const add = (name: string) => {
    const file = path.basename(name);
    if (done.has(file)) return;
    done.add(file);
    const source = readFileSync(path.join(bullmqIncludes!, `${file}.lua`), 'utf8');
    for (const [, included] of source.matchAll(INCLUDE)) add(included!);
    out.push(source.replace(INCLUDE, ''));
  };
  for (const name of names) add(name);
  return ['local rcall = redis.call', ...out].join('\n');
}

/**
 * A Lua script read from its `.lua` file in a `lua/` folder (by default the one next to this
 * module: src in tests, dist after the build copies them), run with EVALSHA and sent in full
 * only when Redis does not have it yet.
 */
export class LuaScript {
  readonly name: string;
  private readonly source: string;
  private readonly sha: string;

  constructor(name: string, options: LuaScriptOptions = {}) {
    const { folder = new URL('./lua/', import.meta.url), uses = [], bullmq = [] } = options;
    this.name = name;
    const own = [...uses, name].map((file) => readFileSync(new URL(`${file}.lua`, folder), 'utf8'));
    this.source = (bullmq.length > 0 ? [bullmqFunctions(bullmq), ...own] : own).join('\n');
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  /**
   * Runs the script once per call, every call sent in one pipelined round trip; a reply per
   * call, in order. Calls refused because Redis did not have the script yet are sent again once
   * it is loaded (only those: the others ran). The first call that failed otherwise rejects the
   * whole, after every call was tried.
   */
  async runMany(redis: Redis, calls: ReadonlyArray<readonly [keys: string[], args: (string | number)[]]>): Promise<unknown[]> {
    // One call goes on its own: an ioredis pipeline copies every command defined on its
    // connection (BullMQ defines dozens on the one it shares), which costs more than the call.
    if (calls.length === 0) return [];
    if (calls.length === 1) return [await this.run(redis, ...calls[0]!)];
    const send = async (indexes: number[]) => {
      const batch = redis.pipeline();
      for (const i of indexes) {
        const [keys, args] = calls[i]!;
        batch.evalsha(this.sha, keys.length, ...keys, ...args);
      }
      return (await batch.exec()) ?? [];
    };
    const replies = await send(calls.map((_, i) => i));
    const missing = replies.flatMap(([err], i) => (err?.message.startsWith('NOSCRIPT') ? [i] : []));
    if (missing.length > 0) {
      await redis.script('LOAD', this.source);
      (await send(missing)).forEach((reply, j) => (replies[missing[j]!] = reply));
    }
    return replies.map(([err, value]) => {
      if (err) throw err;
      return value;
    });
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
