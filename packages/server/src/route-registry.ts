import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  open: boolean;
  /** A dashboard page: without a session it sends the browser to the sign-in form instead of answering 401. */
  page: boolean;
}

const registries = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Starts recording every route registered on `app` from now on. */
export function recordRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  registries.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const config = route.config as { open?: boolean; page?: boolean } | undefined;
    const open = config?.open === true;
    const page = config?.page === true;
    for (const method of methods) routes.push({ method, url: route.url, open, page });
  });
}

/** The routes the server serves, for checks that must cover every one of them (auth). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return registries.get(app) ?? [];
}
