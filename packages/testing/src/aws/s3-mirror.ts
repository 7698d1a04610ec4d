import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** `s3://bucket/key` (also `s3a://`, `s3n://`) in free text, stopping at quotes, spaces and commas. */
const S3_URI = /s3[an]?:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/([^\s"',]*)/g;

interface Named {
  bucket: string;
  key: string;
}

interface Snapshot {
  size: number;
  mtimeMs: number;
}

function inScope(key: string, scope: string): boolean {
  if (scope === '') return true;
  return key === scope || key.startsWith(scope.endsWith('/') ? scope : `${scope}/`);
}

async function filesUnder(root: string): Promise<string[]> {
  const info = await stat(root).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [root];
  const files: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

/** Hadoop's local file system writes a `.name.crc` beside each file; S3 never holds them. */
function isChecksum(file: string): boolean {
  const name = path.basename(file);
  return name.startsWith('.') && name.endsWith('.crc');
}

/**
 * The S3 objects one job names in its arguments, copied to a local folder (`<root>/<bucket>/<key>`)
 * before the job runs and copied back after it, so that a local Spark job reads and writes
 * "S3" through `file://` paths. A named URI is a file or a prefix; after the job, new or changed
 * files are uploaded and objects the job deleted are deleted, within the named scopes only.
 */
export class S3Mirror {
  readonly #named: Named[] = [];
  readonly #snapshot = new Map<string, Snapshot>();

  constructor(
    private readonly s3: S3Client,
    readonly root: string,
  ) {}

  localPath(bucket: string, key: string): string {
    return path.join(this.root, bucket, ...key.split('/').filter(Boolean));
  }

  /** `text` with every S3 URI replaced by the file:// URI of its local copy. */
  rewrite(text: string): string {
    return text.replace(S3_URI, (_uri, bucket: string, key: string) => {
      const href = pathToFileURL(this.localPath(bucket, key)).href;
      return key.endsWith('/') ? `${href}/` : href;
    });
  }

  /** Downloads every object the texts name (files, or everything under a prefix). */
  async pull(texts: string[]): Promise<void> {
    for (const text of texts) {
      for (const match of text.matchAll(S3_URI)) {
        const named = { bucket: match[1]!, key: match[2]! };
        if (this.#named.some((n) => n.bucket === named.bucket && n.key === named.key)) continue;
        this.#named.push(named);
        await this.#download(named);
      }
    }
  }

  /** Uploads what the job wrote and deletes what it removed, under the URIs `pull` saw. */
  async push(): Promise<void> {
    for (const { bucket, key } of this.#named) {
      const root = this.localPath(bucket, key);
      const present = new Set<string>();
      for (const file of await filesUnder(root)) {
        if (isChecksum(file)) continue;
        const objectKey = path.relative(path.join(this.root, bucket), file).split(path.sep).join('/');
        present.add(objectKey);
        const info = await stat(file);
        const before = this.#snapshot.get(file);
        if (before && before.size === info.size && before.mtimeMs === info.mtimeMs) continue;
        await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: createReadStream(file), ContentLength: info.size }));
        this.#snapshot.set(file, { size: info.size, mtimeMs: info.mtimeMs });
      }
      const gone = [...this.#snapshot.keys()]
        .filter((file) => file.startsWith(path.join(this.root, bucket) + path.sep))
        .map((file) => path.relative(path.join(this.root, bucket), file).split(path.sep).join('/'))
        .filter((objectKey) => inScope(objectKey, key) && !present.has(objectKey));
      if (gone.length > 0) {
        await this.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: gone.map((Key) => ({ Key })), Quiet: true } }));
        for (const objectKey of gone) this.#snapshot.delete(this.localPath(bucket, objectKey));
      }
    }
  }

  async #download({ bucket, key }: Named): Promise<void> {
    // Whatever an earlier job left here is not what S3 holds now.
    await rm(this.localPath(bucket, key), { recursive: true, force: true });
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) {
        if (!object.Key || !inScope(object.Key, key) || object.Key.endsWith('/')) continue;
        const file = this.localPath(bucket, object.Key);
        const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, await Body!.transformToByteArray());
        const info = await stat(file);
        this.#snapshot.set(file, { size: info.size, mtimeMs: info.mtimeMs });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
