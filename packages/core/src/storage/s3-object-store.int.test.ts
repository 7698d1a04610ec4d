import { CreateBucketCommand, DeleteBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, uniqueName, type MotoServer } from '@pipeline/testing';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { S3ObjectStore } from './s3-object-store.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let moto: MotoServer;
let admin: S3Client;
let bucket: string;

beforeAll(async () => {
  moto = await startMoto();
  admin = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
});

afterAll(async () => {
  admin.destroy();
  await moto.stop();
});

beforeEach(async () => {
  bucket = uniqueName('store').replace('_', '-');
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterEach(async () => {
  await new S3ObjectStore({ client: admin }).deletePrefix(`s3://${bucket}/`).catch(() => undefined);
  await admin.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  vi.unstubAllEnvs();
});

/** A client of moto's server that counts the requests sent through it, by command. */
function countingClient() {
  const client = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.set(context.commandName!, (counts.get(context.commandName!) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return { client, counts };
}

async function putMany(keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(keys.slice(i, i + 50).map((Key) => admin.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))));
  }
}

describe('S3ObjectStore', () => {
  it('takes its endpoint from AWS_ENDPOINT_URL_S3, as the SDK does', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', moto.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    const store = new S3ObjectStore({ region: REGION, forcePathStyle: true });
    await store.put(`s3://${bucket}/env/x.json`, '{"a":1}', { contentType: 'application/json' });
    expect((await store.get(`s3://${bucket}/env/x.json`)).toString()).toBe('{"a":1}');
  });

  it('puts strings, buffers and streams and reads them back', async () => {
    const store = new S3ObjectStore({ client: admin });
    await store.put(`s3://${bucket}/a/b.bin`, Buffer.from([0, 255]));
    await store.put(`s3://${bucket}/a/s.txt`, Readable.from(['str', 'eam']));
    expect(await store.get(`s3://${bucket}/a/b.bin`)).toEqual(Buffer.from([0, 255]));
    expect(await text(await store.getStream(`s3://${bucket}/a/s.txt`))).toBe('stream');
    expect(await store.exists(`s3://${bucket}/a/b.bin`)).toBe(true);
    expect(await store.exists(`s3://${bucket}/a/missing`)).toBe(false);
    expect(await store.exists(`s3://${bucket}/a`)).toBe(false);
  });

  it('says what is missing and what is wrong with a URI', async () => {
    const store = new S3ObjectStore({ client: admin });
    await expect(store.get(`s3://${bucket}/missing`)).rejects.toMatchObject({ code: 'E_STORAGE_NOT_FOUND', retryable: false });
    await expect(store.get('s3://no-such-bucket-x1/key')).rejects.toMatchObject({ code: 'E_STORAGE_NOT_FOUND', message: expect.stringContaining('bucket does not exist') });
    await expect(store.put('s3://Bad_Bucket/k', 'x')).rejects.toMatchObject({ code: 'E_STORAGE_URI' });
    await expect(store.deletePrefix(`s3://${bucket}/`)).rejects.toMatchObject({ code: 'E_STORAGE_URI' });
    await expect(store.size(`s3://${bucket}/missing`)).rejects.toMatchObject({ code: 'E_STORAGE_NOT_FOUND' });
  });

  it('tells an object\'s size in bytes', async () => {
    const store = new S3ObjectStore({ client: admin });
    await store.put(`s3://${bucket}/sized/part-0`, Buffer.alloc(1234, 7));
    expect(await store.size(`s3://${bucket}/sized/part-0`)).toBe(1234);
  });

  it('lists past one page and deletes more than one batch, sparing a sibling prefix', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `runs/r1/part-${String(i).padStart(5, '0')}`);
    await putMany([...keys, 'runs/r10/keep', 'runs/r1']);
    const { client, counts } = countingClient();
    const store = new S3ObjectStore({ client });

    const listed = await store.list(`s3://${bucket}/runs/r1`);
    expect(listed).toEqual(keys.map((key) => `s3://${bucket}/${key}`));
    expect(counts.get('ListObjectsV2Command')).toBe(2);

    expect(await store.deletePrefix(`s3://${bucket}/runs/r1/`)).toBe(1005);
    expect(counts.get('DeleteObjectsCommand')).toBe(2);
    expect(await store.list(`s3://${bucket}/runs`)).toEqual([`s3://${bucket}/runs/r1`, `s3://${bucket}/runs/r10/keep`]);
    expect(await store.deletePrefix(`s3://${bucket}/runs/r1`)).toBe(0);
    client.destroy();
  });
});
