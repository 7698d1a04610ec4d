export type { ObjectStore, PutOptions } from './object-store.js';
export { LocalObjectStore } from './local-object-store.js';
export { S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store.js';
export { objectStoreFor } from './object-store-for.js';
export { formatS3Uri, isS3Uri, joinUri, parseS3Uri, type S3Location } from './s3-uri.js';
export { StorageError } from './storage-error.js';
