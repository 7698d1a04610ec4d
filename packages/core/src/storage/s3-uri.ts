import { StorageError } from './storage-error.js';

/** A bucket and a key; the key may be empty (the bucket itself) and never starts with `/`. */
export interface S3Location {
  bucket: string;
  key: string;
}

const S3_URI = /^(s3|s3a|s3n):\/\/([^/]*)(?:\/(.*))?$/s;
// Bucket naming rules: 3–63 lower-case letters, digits, dots and hyphens, starting and ending
// with a letter or digit. Older buckets may hold upper case or underscores, which S3 no longer
// allows to be created; they are refused here rather than half-supported.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isS3Uri(uri: string): boolean {
  return /^s3[an]?:\/\//.test(uri);
}

/**
 * `s3://bucket/key` (or the `s3a://` / `s3n://` spellings Hadoop and EMR's LogUri use) → bucket
 * and key. Throws E_STORAGE_URI naming what is wrong.
 */
export function parseS3Uri(uri: string): S3Location {
  const match = S3_URI.exec(uri);
  if (!match) {
    throw new StorageError(`"${uri}" is not an S3 URI; write it as s3://bucket/key.`, { uri, code: 'E_STORAGE_URI' });
  }
  const bucket = match[2]!;
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new StorageError(
      `"${uri}" has an invalid bucket name "${bucket}": 3–63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.`,
      { uri, code: 'E_STORAGE_URI' },
    );
  }
  const key = match[3] ?? '';
  if (key.startsWith('/')) {
    throw new StorageError(`"${uri}" has a key starting with "/"; write s3://${bucket}/${key.replace(/^\/+/, '')}.`, { uri, code: 'E_STORAGE_URI' });
  }
  return { bucket, key };
}

export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** `base` and the relative `parts` joined with single slashes: `joinUri('s3://b/code/', 'x', 'y.zip')`. */
export function joinUri(base: string, ...parts: string[]): string {
  const tail = parts.map((part) => part.replace(/^\/+|\/+$/g, '')).filter((part) => part.length > 0);
  return [base.replace(/\/+$/, ''), ...tail].join('/');
}
