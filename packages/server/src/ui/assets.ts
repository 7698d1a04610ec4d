import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
// The route config flags (open) are declared there.
import type {} from '../auth/auth-hook.js';

/** `packages/server/ui/`: one level above both `src/` and `dist/`, so sources and the build find it alike. */
export const ASSETS_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The dashboard's stylesheet and ES modules, read once into memory at start-up and served by
 * exact name: nothing a request names can reach another file. Open (they hold no data), and
 * revalidated on each load so that an upgrade shows at once.
 */
export function assetRoutes(dir: string = ASSETS_DIR): FastifyPluginAsync {
  return async (app) => {
    const assets = new Map<string, { body: Buffer; type: string }>();
    for (const name of await readdir(dir)) {
      const type = TYPES[path.extname(name)];
      if (type && /^[a-z0-9-]+\.[a-z]+$/.test(name)) assets.set(name, { body: await readFile(path.join(dir, name)), type });
    }
    app.get<{ Params: { name: string } }>('/ui/assets/:name', { config: { open: true }, schema: { hide: true } }, async (req, reply) => {
      const asset = assets.get(req.params.name);
      if (!asset) return reply.callNotFound();
      return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
    });
  };
}
