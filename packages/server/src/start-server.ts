import { ConfigError } from '@pipeline/core';
import type { FastifyInstance } from 'fastify';
import { isLoopbackHost } from './auth/loopback.js';
import { buildServer, type BuildServerOptions } from './build-server.js';

export interface StartServerOptions extends BuildServerOptions {
  /** @defaultValue "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @defaultValue 8080 */
  port?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port` as bound. */
  url: string;
  close(): Promise<void>;
}

/**
 * Refuses (ConfigError) to serve a non-loopback address without a token: without one, anyone who
 * can reach the API could trigger and cancel runs. Checked before anything connects.
 */
export function assertServable(host: string, token: string | undefined): void {
  if (!token && !isLoopbackHost(host)) {
    throw new ConfigError(`refusing to serve on ${host} without a token: set PIPELINE_API_TOKEN (at least 16 characters), or listen on 127.0.0.1`, { code: 'E_API_TOKEN_REQUIRED' });
  }
}

/**
 * Listens. Without a token the API would let anyone who can reach it trigger and cancel runs,
 * so it refuses any address other than loopback; on loopback it serves without auth and says so.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  assertServable(host, options.token);
  if (!options.token) options.logger.warn({ host }, 'PIPELINE_API_TOKEN is not set: the API serves without authentication, on loopback only');
  // Off loopback the token and the session travel over networks: cookies only over TLS (a proxy in front).
  const app = await buildServer({ ...options, secureCookies: options.secureCookies ?? (Boolean(options.token) && !isLoopbackHost(host)) });
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  options.logger.info({ url, auth: Boolean(options.token) }, 'API listening');
  return { app, url, close: () => app.close() };
}
