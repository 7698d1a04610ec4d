import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * A Lua script read from its `.lua` file in a `lua/` folder (by default the one next to this
 * module: src in tests, dist after the build copies them), run with EVALSHA and sent in full
 * only when Redis does not have it yet.
 */
export class LuaScript {
  readonly name: string;
  private readonly source: string;
  private readonly sha: string;

  /** @param folder URL of the folder holding `<name>.lua`, ending in `/`. */
  constructor(name: string, folder: URL = new URL('./lua/', import.meta.url)) {
    this.name = name;
    this.source = readFileSync(new URL(`${name}.lua`, folder), 'utf8');
    this.sha = createHash('sha1').update(this.source).digest('hex');
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
