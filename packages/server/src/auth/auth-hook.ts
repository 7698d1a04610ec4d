import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors/server-errors.js';
import { bearerMatches } from './bearer-token.js';

/** Route config flag of the routes that need no token: the health check and the OpenAPI document. */
export interface OpenRouteConfig {
  open?: boolean;
}

/**
 * An onRequest hook requiring `Authorization: Bearer <token>` on every route not marked open,
 * including unknown paths, so a missing route answers 401, not a 404 that maps the API.
 */
export function requireBearer(token: string) {
  return async (req: FastifyRequest): Promise<void> => {
    if ((req.routeOptions.config as OpenRouteConfig | undefined)?.open === true && req.is404 !== true) return;
    if (!bearerMatches(req.headers.authorization, token)) {
      throw new UnauthorizedError(req.headers.authorization ? 'the bearer token is wrong' : 'this route needs Authorization: Bearer <PIPELINE_API_TOKEN>');
    }
  };
}
