import { ConfigError } from '../errors/config-error.js';
import { redactText } from '../logging/index.js';
import type { WarehouseCredentials } from './warehouse-credentials.js';

/**
 * Builds a `postgres://` connection URL from the configured URL and the secret. Fields the
 * secret holds win; the URL fills in what the secret leaves out (host, port, database, user)
 * and keeps its query parameters (`sslmode=require`, …). User and password are
 * percent-encoded, so any character is safe in them.
 *
 * @throws ConfigError E_WAREHOUSE_URL_INVALID when `url` is not a postgres:// URL,
 *   E_WAREHOUSE_URL_MISSING when there is no URL and the secret names no host.
 */
export function mergeCredentials(url: string | undefined, secret: WarehouseCredentials): string {
  const base = parseBase(url);
  const host = secret.host !== undefined ? hostForUrl(secret.host) : base.host;
  if (!host && (url === undefined || url === '')) {
    throw new ConfigError(
      'No warehouse host: the warehouse URL is not set and the secret has no host. Set PIPELINE_WAREHOUSE_URL (postgres://user@host:5432/db) or add host, port and dbname to the secret.',
      { code: 'E_WAREHOUSE_URL_MISSING' },
    );
  }
  const username = secret.username !== undefined ? encodeURIComponent(secret.username) : base.username;
  const password = secret.password !== undefined ? encodeURIComponent(secret.password) : base.password;
  const port = secret.port !== undefined ? String(secret.port) : base.port;
  const path = secret.dbname !== undefined ? `/${encodeURIComponent(secret.dbname)}` : base.path;

  const userinfo = username || password ? `${username}${password ? `:${password}` : ''}@` : '';
  return `${base.scheme}//${userinfo}${host}${port ? `:${port}` : ''}${path}${base.search}`;
}

interface UrlParts {
  scheme: string;
  username: string;
  password: string;
  host: string;
  port: string;
  path: string;
  search: string;
}

function parseBase(url: string | undefined): UrlParts {
  if (url === undefined || url === '') {
    return { scheme: 'postgres:', username: '', password: '', host: '', port: '', path: '', search: '' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl(url);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw invalidUrl(url);
  // `host` keeps IPv6 brackets; the port is split off so the secret can replace it alone.
  return {
    scheme: parsed.protocol,
    username: parsed.username,
    password: parsed.password,
    host: parsed.hostname,
    port: parsed.port,
    path: parsed.pathname === '/' ? '' : parsed.pathname,
    search: parsed.search,
  };
}

function invalidUrl(url: string): ConfigError {
  return new ConfigError(
    `The warehouse URL ${redactText(url)} is not a postgres:// URL. Write it as postgres://user@host:5432/database?sslmode=require.`,
    { code: 'E_WAREHOUSE_URL_INVALID' },
  );
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
