import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from './local-object-store.js';
import { objectStoreFor } from './object-store-for.js';

let dir: string;
const store = new LocalObjectStore();

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'local-store-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LocalObjectStore', () => {
  it('puts buffers, strings and streams, and reads them back whole or streamed', async () => {
    await store.put(path.join(dir, 'a', 'b.bin'), Buffer.from([0, 1, 2]));
    await store.put(`${pathToFileURL(dir).href}/a/c.txt`, 'héllo');
    await store.put(path.join(dir, 'd.txt'), Readable.from(['x', 'y']));
    expect(await store.get(path.join(dir, 'a', 'b.bin'))).toEqual(Buffer.from([0, 1, 2]));
    expect((await store.get(path.join(dir, 'a', 'c.txt'))).toString()).toBe('héllo');
    expect(await text(await store.getStream(path.join(dir, 'd.txt')))).toBe('xy');
    expect(await readdir(dir)).toEqual(['a', 'd.txt']);
  });

  it('says what is missing', async () => {
    expect(await store.exists(path.join(dir, 'nope'))).toBe(false);
    expect(await store.exists(dir)).toBe(false);
    await expect(store.get(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_STORAGE_NOT_FOUND' });
    await expect(store.getStream(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_STORAGE_NOT_FOUND' });
    await expect(store.get('relative/path')).rejects.toMatchObject({ code: 'E_STORAGE_URI' });
    await expect(store.size(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_STORAGE_NOT_FOUND' });
    await expect(store.size(dir)).rejects.toMatchObject({ code: 'E_STORAGE_NOT_FOUND' });
  });

  it('tells an object\'s size in bytes', async () => {
    const file = path.join(dir, 'sized', 'é.txt');
    await store.put(file, 'né');
    expect(await store.size(file)).toBe(3);
    expect(await store.size(`file://${file}`)).toBe(3);
  });

  it('lists a folder recursively and sorted, in the form it was asked in, and never a sibling with the same prefix', async () => {
    for (const name of ['r1/b', 'r1/a/z', 'r1/a/y', 'r10/x']) await store.put(path.join(dir, name), name);
    expect(await store.list(path.join(dir, 'r1'))).toEqual(['r1/a/y', 'r1/a/z', 'r1/b'].map((name) => path.join(dir, name)));
    expect(await store.list(pathToFileURL(path.join(dir, 'r1')).href)).toEqual(
      ['r1/a/y', 'r1/a/z', 'r1/b'].map((name) => pathToFileURL(path.join(dir, name)).href),
    );
    expect(await store.list(path.join(dir, 'missing'))).toEqual([]);
  });

  it('deletes a folder and counts its files, leaving siblings and refusing the root', async () => {
    for (const name of ['r1/b', 'r1/a/z', 'r10/x']) await store.put(path.join(dir, name), name);
    expect(await store.deletePrefix(path.join(dir, 'r1'))).toBe(2);
    expect(await store.list(dir)).toEqual([path.join(dir, 'r10', 'x')]);
    expect(await store.deletePrefix(path.join(dir, 'r1'))).toBe(0);
    expect(await store.deletePrefix(path.join(dir, 'r10', 'x'))).toBe(0);
    expect(await store.exists(path.join(dir, 'r10', 'x'))).toBe(true);
    await expect(store.deletePrefix('/')).rejects.toMatchObject({ code: 'E_STORAGE_URI' });
  });
});

describe('objectStoreFor', () => {
  it('picks the store by the URI scheme', () => {
    expect(objectStoreFor('/tmp/x').kind).toBe('local');
    expect(objectStoreFor('file:///tmp/x').kind).toBe('local');
    expect(objectStoreFor('s3://bucket/x', { s3: { region: 'us-east-1' } }).kind).toBe('s3');
    expect(() => objectStoreFor('gs://bucket/x')).toThrow(expect.objectContaining({ code: 'E_STORAGE_URI' }));
  });
});
