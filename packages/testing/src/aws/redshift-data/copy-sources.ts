import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CopyRequestError } from './copy-errors.js';

/** Where a COPY reads and how: the FROM URI, whether it names a manifest, the file format. */
export interface CopyFrom {
  uri: string;
  manifest: boolean;
  format: 'csv' | 'parquet';
}

/** One S3 object a COPY loads. */
export interface CopySource {
  url: string;
  bucket: string;
  key: string;
}

interface ManifestEntry {
  url?: unknown;
  mandatory?: unknown;
  meta?: { content_length?: unknown };
}

/**
 * The objects a COPY loads, in load order, as Redshift finds them:
 *
 * - from a prefix, every object whose key starts with it, except folder markers (keys ending in
 *   `/`). For Parquet, which Redshift scans with Spectrum, also except the files Spectrum treats
 *   as hidden: names starting with `.`, `_` or `#`, or ending in `~` (Spark's `_SUCCESS`, the
 *   local file system's `.crc`). Text formats load every object, and an empty one loads no row;
 * - from a manifest, each entry's `url`, an entry listed twice loaded twice. A missing object
 *   fails the COPY when its entry is `mandatory`, and is skipped otherwise. For Parquet each
 *   entry needs `meta.content_length`, the object's exact size in bytes (Spectrum reads the
 *   file's footer from it).
 *
 * Finding no object at all fails the COPY either way.
 */
export async function copySources(s3: S3Client, from: CopyFrom): Promise<CopySource[]> {
  const sources = from.manifest ? await manifestSources(s3, from) : await prefixSources(s3, from);
  if (sources.length === 0) {
    throw new CopyRequestError(from.manifest ? `the manifest ${from.uri} lists no object that exists` : `The specified S3 prefix '${splitUri(from.uri).key}' does not exist`);
  }
  return sources;
}

/** An object's bytes; a missing one fails the COPY with S3's message. */
export async function readObject(s3: S3Client, url: string): Promise<Uint8Array> {
  const { bucket, key } = splitUri(url);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
  } catch (err) {
    throw new CopyRequestError(`S3ServiceException:${(err as Error).message} (reading ${url})`, { cause: err });
  }
}

export function splitUri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new CopyRequestError(`${uri} is not an s3://bucket/key URI`);
  return { bucket: match[1]!, key: match[2]! };
}

/** Spectrum's hidden files: Redshift skips them when it scans a prefix for Parquet. */
export function isHiddenFromSpectrum(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return /^[._#]/.test(name) || name.endsWith('~');
}

async function prefixSources(s3: S3Client, from: CopyFrom): Promise<CopySource[]> {
  const { bucket, key: prefix } = splitUri(from.uri);
  const sources: CopySource[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const key = object.Key;
      if (!key || key.endsWith('/')) continue;
      if (from.format === 'parquet' ? isHiddenFromSpectrum(key) : (object.Size ?? 0) === 0) continue;
      sources.push({ url: `s3://${bucket}/${key}`, bucket, key });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return sources.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function manifestSources(s3: S3Client, from: CopyFrom): Promise<CopySource[]> {
  const text = new TextDecoder().decode(await readObject(s3, from.uri));
  let entries: unknown;
  try {
    entries = (JSON.parse(text) as { entries?: unknown }).entries;
  } catch (err) {
    throw new CopyRequestError(`the manifest ${from.uri} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(entries)) throw new CopyRequestError(`the manifest ${from.uri} has no "entries" list`);
  const sources: CopySource[] = [];
  for (const [index, entry] of (entries as ManifestEntry[]).entries()) {
    const where = `entry ${index} of the manifest ${from.uri}`;
    if (typeof entry?.url !== 'string') throw new CopyRequestError(`${where} has no "url"`);
    const { bucket, key } = splitUri(entry.url);
    if (entry.mandatory !== undefined && typeof entry.mandatory !== 'boolean') throw new CopyRequestError(`${where}: "mandatory" must be true or false`);
    const contentLength = entry.meta?.content_length;
    if (from.format === 'parquet' && (typeof contentLength !== 'number' || !Number.isSafeInteger(contentLength) || contentLength < 0)) {
      throw new CopyRequestError(`${where} (${entry.url}) has no "meta": {"content_length": <bytes>}; COPY needs the exact size of every ORC or Parquet file in its manifest`);
    }
    const size = await objectSize(s3, bucket, key);
    if (size === undefined) {
      if (entry.mandatory === true) throw new CopyRequestError(`S3ServiceException:The specified key does not exist (the mandatory manifest entry ${entry.url})`);
      continue;
    }
    if (from.format === 'parquet' && size !== contentLength) {
      throw new CopyRequestError(`${where}: meta.content_length is ${String(contentLength)} but ${entry.url} has ${size} bytes; the manifest must give each file's exact size`);
    }
    sources.push({ url: entry.url, bucket, key });
  }
  return sources;
}

async function objectSize(s3: S3Client, bucket: string, key: string): Promise<number | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.ContentLength ?? 0;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw new CopyRequestError(`S3ServiceException:${(err as Error).message} (reading s3://${bucket}/${key})`, { cause: err });
  }
}
