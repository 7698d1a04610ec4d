import type { S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { s3Sdk, type S3Sdk } from '../lazy/lazy-modules.js';
import { awsErrorInfo } from './aws-error-info.js';
import type { ObjectStore, PutOptions } from './object-store.js';
import { formatS3Uri, parseS3Uri, type S3Location } from './s3-uri.js';
import { StorageError } from './storage-error.js';

export interface S3ObjectStoreOptions {
  /** @defaultValue the SDK's own resolution (AWS_REGION, the profile…) */
  region?: string;
  /**
   * The client to use. Without one, a client is built that takes its endpoint from the SDK's
   * own settings (AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL), as it does region and credentials.
   */
  client?: S3Client;
  /** Path-style addressing (`http://host/bucket/key`), which S3 stand-ins such as moto need. @defaultValue false */
  forcePathStyle?: boolean;
}

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

function s3Error(err: unknown, action: string, uri: string): StorageError {
  const info = awsErrorInfo(err);
  if (info.name === 'NoSuchKey' || info.name === 'NotFound') {
    return new StorageError(`No object at ${uri}.`, { uri, code: 'E_STORAGE_NOT_FOUND', cause: err });
  }
  if (info.name === 'NoSuchBucket') {
    return new StorageError(`Cannot ${action} ${uri}: the bucket does not exist. Create it, or fix the URI.`, { uri, code: 'E_STORAGE_NOT_FOUND', cause: err });
  }
  if (info.name === 'AccessDenied' || info.status === 403) {
    return new StorageError(`Cannot ${action} ${uri}: access denied. Grant the role the pipeline runs as the s3 permission for it.`, { uri, cause: err });
  }
  return new StorageError(`Cannot ${action} ${uri}: ${info.name}: ${info.message}`, { uri, retryable: info.transient, cause: err });
}

/** The folder a prefix names: its key with exactly one trailing slash, or '' for the bucket. */
function folderKey(location: S3Location): string {
  return location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`;
}

/**
 * Objects in S3. `put` sends one PutObject, so it suits the small objects the orchestrator
 * writes itself (job code, specs, manifests); a stream body is gathered in memory first,
 * because a single PUT needs its length up front.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly #options: S3ObjectStoreOptions;
  #connection: Promise<{ sdk: S3Sdk; client: S3Client }> | undefined;

  constructor(options: S3ObjectStoreOptions = {}) {
    this.#options = options;
  }

  /** The SDK and the client, loaded by the first request: a constructor cannot wait for the SDK to load. */
  #connect(): Promise<{ sdk: S3Sdk; client: S3Client }> {
    const options = this.#options;
    this.#connection ??= s3Sdk().then((sdk) => ({
      sdk,
      client:
        options.client ??
        new sdk.S3Client({
          ...(options.region ? { region: options.region } : {}),
          ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}),
        }),
    }));
    return this.#connection;
  }

  async put(uri: string, body: Buffer | string | Readable, options: PutOptions = {}): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    const bytes = body instanceof Readable ? await buffer(body) : body;
    const { sdk, client } = await this.#connect();
    try {
      await client.send(
        new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ...(options.contentType ? { ContentType: options.contentType } : {}) }),
        options.signal ? { abortSignal: options.signal } : {},
      );
    } catch (err) {
      throw s3Error(err, 'write', uri);
    }
  }

  async size(uri: string): Promise<number> {
    const { bucket, key } = parseS3Uri(uri);
    const { sdk, client } = await this.#connect();
    try {
      const head = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (err) {
      throw s3Error(err, 'look up', uri);
    }
  }

  async exists(uri: string): Promise<boolean> {
    const { bucket, key } = parseS3Uri(uri);
    const { sdk, client } = await this.#connect();
    try {
      await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      // A HEAD answer has no body, so a missing bucket and a missing key both read as NotFound.
      const failure = s3Error(err, 'look up', uri);
      if (failure.code === 'E_STORAGE_NOT_FOUND') return false;
      throw failure;
    }
  }

  async get(uri: string): Promise<Buffer> {
    return buffer(await this.getStream(uri));
  }

  async getStream(uri: string): Promise<Readable> {
    const { bucket, key } = parseS3Uri(uri);
    const { sdk, client } = await this.#connect();
    try {
      const { Body } = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!(Body instanceof Readable)) throw new Error('GetObject returned no stream body');
      return Body;
    } catch (err) {
      throw s3Error(err, 'read', uri);
    }
  }

  async list(prefixUri: string): Promise<string[]> {
    const location = parseS3Uri(prefixUri);
    return (await this.#keys(location, prefixUri)).map((key) => formatS3Uri({ bucket: location.bucket, key }));
  }

  async deletePrefix(prefixUri: string): Promise<number> {
    const location = parseS3Uri(prefixUri);
    if (location.key.replace(/\/+$/, '') === '') {
      throw new StorageError(`Refusing to delete a whole bucket (${prefixUri}); name a prefix inside it.`, { uri: prefixUri, code: 'E_STORAGE_URI' });
    }
    const keys = await this.#keys(location, prefixUri);
    const { sdk, client } = await this.#connect();
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      let errors;
      try {
        ({ Errors: errors } = await client.send(
          new sdk.DeleteObjectsCommand({ Bucket: location.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        ));
      } catch (err) {
        throw s3Error(err, 'delete under', prefixUri);
      }
      if (errors && errors.length > 0) {
        const first = errors[0]!;
        throw new StorageError(
          `Could not delete ${errors.length} object(s) under ${prefixUri}; the first, ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim(),
          { uri: prefixUri, retryable: errors.every((e) => e.Code === 'InternalError' || e.Code === 'SlowDown') },
        );
      }
    }
    return keys.length;
  }

  async #keys(location: S3Location, uri: string): Promise<string[]> {
    const prefix = folderKey(location);
    const keys: string[] = [];
    const { sdk, client } = await this.#connect();
    let token: string | undefined;
    do {
      let page;
      try {
        page = await client.send(
          new sdk.ListObjectsV2Command({ Bucket: location.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
        );
      } catch (err) {
        throw s3Error(err, 'list', uri);
      }
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}
