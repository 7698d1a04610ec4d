import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  open: boolean;
}

const registries = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Starts recording every route registered on `app` from now on. */
export function recordRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  registries.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const open = (route.config as { open?: boolean } | undefined)?.open === true;
    for (const method of methods) routes.push({ method, url: route.url, open });
  });
}

/** The routes the server serves, for checks that must cover every one of them (auth). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return registries.get(app) ?? [];
}
