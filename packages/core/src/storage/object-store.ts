import type { Readable } from 'node:stream';

export interface PutOptions {
  /** @defaultValue "application/octet-stream" (S3's own default) */
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * Files addressed by URI, on the local disk or in S3: what the orchestrator needs around a Spark
 * job (job code, specs, manifests, temp dirs). A *prefix* names a folder: `s3://b/runs/r1` covers
 * `runs/r1/…` and never `runs/r10/…`, so deleting one run's files cannot touch another's.
 */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Writes the whole object; readers see the old object or the new one, never a part. */
  put(uri: string, body: Buffer | string | Readable, options?: PutOptions): Promise<void>;
  exists(uri: string): Promise<boolean>;
  /** The object's size in bytes; rejects with E_STORAGE_NOT_FOUND when there is no such object. */
  size(uri: string): Promise<number>;
  /** Rejects with E_STORAGE_NOT_FOUND when there is no such object. */
  get(uri: string): Promise<Buffer>;
  getStream(uri: string): Promise<Readable>;
  /** Every object under the prefix, as full URIs in the prefix's own form, sorted. */
  list(prefixUri: string): Promise<string[]>;
  /** Deletes every object under the prefix; returns how many there were. */
  deletePrefix(prefixUri: string): Promise<number>;
}
