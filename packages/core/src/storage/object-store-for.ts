import { LocalObjectStore } from './local-object-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store.js';
import { isS3Uri } from './s3-uri.js';
import { StorageError } from './storage-error.js';

/** The store that serves `uri`: S3 for `s3://` (and `s3a://`, `s3n://`), the local disk for paths and `file://`. */
export function objectStoreFor(uri: string, options: { s3?: S3ObjectStoreOptions } = {}): ObjectStore {
  if (isS3Uri(uri)) return new S3ObjectStore(options.s3);
  if (uri.startsWith('file://') || uri.startsWith('/')) return new LocalObjectStore();
  throw new StorageError(`No object store serves "${uri}": use s3://bucket/prefix, file:///path or an absolute path.`, { uri, code: 'E_STORAGE_URI' });
}
