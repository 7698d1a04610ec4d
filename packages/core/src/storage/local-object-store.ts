import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ObjectStore, PutOptions } from './object-store.js';
import { StorageError } from './storage-error.js';

function toPath(uri: string): string {
  const file = uri.startsWith('file://') ? fileURLToPath(uri) : uri;
  if (!path.isAbsolute(file)) {
    throw new StorageError(`"${uri}" is not an absolute path or a file:// URI.`, { uri, code: 'E_STORAGE_URI' });
  }
  return path.normalize(file);
}

function notFound(uri: string, err: unknown): StorageError {
  return new StorageError(`No file at ${uri}.`, { uri, code: 'E_STORAGE_NOT_FOUND', cause: err });
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

/** The object store on local disk: plain absolute paths and `file://` URIs. */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local' as const;

  async put(uri: string, body: Buffer | string | Readable, options: PutOptions = {}): Promise<void> {
    const file = toPath(uri);
    await mkdir(path.dirname(file), { recursive: true });
    // Written beside the target and renamed over it, so a reader never sees half a file.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      if (typeof body === 'string' || Buffer.isBuffer(body)) await writeFile(tmp, body, options.signal ? { signal: options.signal } : {});
      else await pipeline(body, createWriteStream(tmp), options.signal ? { signal: options.signal } : {});
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async size(uri: string): Promise<number> {
    try {
      const info = await stat(toPath(uri));
      if (info.isFile()) return info.size;
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    throw new StorageError(`No object at ${uri}.`, { uri, code: 'E_STORAGE_NOT_FOUND' });
  }

  async exists(uri: string): Promise<boolean> {
    try {
      return (await stat(toPath(uri))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async get(uri: string): Promise<Buffer> {
    try {
      return await readFile(toPath(uri));
    } catch (err) {
      if (isMissing(err)) throw notFound(uri, err);
      throw err;
    }
  }

  async getStream(uri: string): Promise<Readable> {
    // Opened first, so a missing file rejects here rather than as a stream error later.
    try {
      const handle = await open(toPath(uri), 'r');
      return handle.createReadStream();
    } catch (err) {
      if (isMissing(err)) throw notFound(uri, err);
      throw err;
    }
  }

  async list(prefixUri: string): Promise<string[]> {
    const files = (await walk(toPath(prefixUri))).sort();
    return prefixUri.startsWith('file://') ? files.map((file) => pathToFileURL(file).href) : files;
  }

  async deletePrefix(prefixUri: string): Promise<number> {
    const dir = toPath(prefixUri);
    if (path.dirname(dir) === dir) {
      throw new StorageError(`Refusing to delete everything under the file system root (${prefixUri}).`, { uri: prefixUri, code: 'E_STORAGE_URI' });
    }
    const isDir = await stat(dir).then((s) => s.isDirectory(), (err: unknown) => (isMissing(err) ? false : Promise.reject(err)));
    if (!isDir) return 0;
    const files = await walk(dir);
    await rm(dir, { recursive: true, force: true });
    return files.length;
  }
}
