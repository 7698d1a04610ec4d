import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { ObjectStore } from '../storage/object-store.js';
import { joinUri } from '../storage/s3-uri.js';

/** Where the job's code comes from. */
export interface JobBundleSources {
  /** The repository's `spark/` folder: `pipeline_spark/` and `jobs/`. */
  sparkDir: string;
  /** Absolute paths of the transform modules the run uses. */
  transformPaths?: string[];
}

/** One object of the bundle, named relative to the bundle's folder. */
export interface BundleObject {
  name: 'pipeline_spark.zip' | 'load_job.py' | 'connectivity_check.py';
  body: Uint8Array;
  contentType: string;
}

export interface JobBundle {
  /** sha256 (hex) of every object's name and bytes: the bundle's folder name. */
  hash: string;
  objects: BundleObject[];
  /** Per transform path given, its member path inside the zip: what the job's spec names instead. */
  transformMembers: Map<string, string>;
}

export interface UploadedJobBundle {
  /** `<codePrefix>/<hash>` */
  prefix: string;
  /** For `--py-files`. */
  pyFilesUri: string;
  loadJobUri: string;
  connectivityCheckUri: string;
  transformMembers: Map<string, string>;
  /** The objects this call wrote; empty when an earlier upload left them all in place. */
  uploaded: string[];
}

/**
 * Zip entries carry a DOS timestamp in local time, so the fixed date is built in the time zone
 * of the moment (not once at import) to give the same bytes in every zone. Any date from 1980 on
 * would do.
 */
function fixedMtime(): Date {
  return new Date(1980, 0, 1, 12, 0, 0);
}
const TRANSFORMS_DIR = 'pipeline_transforms';

async function pythonFiles(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== '__pycache__') files.push(...(await pythonFiles(root, relative)));
    else if (entry.isFile() && entry.name.endsWith('.py')) files.push(relative);
  }
  return files;
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The job's code as `spark-submit` on a cluster needs it: `pipeline_spark.zip` for `--py-files`
 * (the package, plus each transform under `pipeline_transforms/<content hash>/<file name>`, where
 * the job's transform loader finds it on the Python path), and the entry scripts as files of
 * their own. The zip is deterministic (sorted entries, fixed timestamps), so the same sources
 * always hash the same and are uploaded once.
 */
export async function buildJobBundle(sources: JobBundleSources): Promise<JobBundle> {
  const mtime = fixedMtime();
  const files: Zippable = {};
  for (const relative of (await pythonFiles(sources.sparkDir, 'pipeline_spark')).sort()) {
    files[relative] = [await readFile(path.join(sources.sparkDir, relative)), { mtime }];
  }
  const transformMembers = new Map<string, string>();
  for (const transformPath of [...new Set(sources.transformPaths ?? [])].sort()) {
    const body = await readFile(transformPath);
    const member = `${TRANSFORMS_DIR}/${sha256(body).slice(0, 16)}/${path.basename(transformPath)}`;
    files[member] = [body, { mtime }];
    transformMembers.set(transformPath, member);
  }
  const sorted: Zippable = {};
  for (const name of Object.keys(files).sort()) sorted[name] = files[name]!;

  const objects: BundleObject[] = [
    { name: 'pipeline_spark.zip', body: zipSync(sorted, { level: 6 }), contentType: 'application/zip' },
    { name: 'load_job.py', body: await readFile(path.join(sources.sparkDir, 'jobs', 'load_job.py')), contentType: 'text/x-python' },
    { name: 'connectivity_check.py', body: await readFile(path.join(sources.sparkDir, 'jobs', 'connectivity_check.py')), contentType: 'text/x-python' },
  ];
  const hash = createHash('sha256');
  for (const object of objects) hash.update(`${object.name}\0${object.body.length}\0`).update(object.body);
  return { hash: hash.digest('hex'), objects, transformMembers };
}

/**
 * Uploads the bundle under `<codePrefix>/<hash>/`, skipping objects already there: under a
 * content hash an existing object already holds these bytes.
 */
export async function uploadJobBundle(store: ObjectStore, codePrefix: string, bundle: JobBundle, options: { signal?: AbortSignal } = {}): Promise<UploadedJobBundle> {
  const prefix = joinUri(codePrefix, bundle.hash);
  const uploaded: string[] = [];
  for (const object of bundle.objects) {
    const uri = joinUri(prefix, object.name);
    if (await store.exists(uri)) continue;
    await store.put(uri, Buffer.from(object.body), { contentType: object.contentType, ...(options.signal ? { signal: options.signal } : {}) });
    uploaded.push(uri);
  }
  return {
    prefix,
    pyFilesUri: joinUri(prefix, 'pipeline_spark.zip'),
    loadJobUri: joinUri(prefix, 'load_job.py'),
    connectivityCheckUri: joinUri(prefix, 'connectivity_check.py'),
    transformMembers: bundle.transformMembers,
    uploaded,
  };
}
