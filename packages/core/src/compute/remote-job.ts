import { createHash } from 'node:crypto';
import type { ObjectStore } from '../storage/object-store.js';
import { isS3Uri, joinUri } from '../storage/s3-uri.js';
import { ComputeError } from './compute-error.js';
import { buildJobBundle, uploadJobBundle, type UploadedJobBundle } from './job-bundle.js';
import type { SparkJobSpec } from './spark-job.js';

/**
 * EMR counts every string of a step's HadoopJarStep (jar, arguments, properties) against 10,240
 * characters; EMR Serverless allows about as much per entry point argument. A spec longer than
 * what is left travels as an S3 object instead.
 */
export const REMOTE_ARGS_MAX_CHARS = 10_240;

export interface RemoteJob {
  code: UploadedJobBundle;
  /** The spec the job runs: its transform renamed to the member inside the zip. */
  spec: SparkJobSpec;
  /** `--spec-json <json>`, or `--spec <s3 uri>` when the JSON does not fit `maxSpecChars`. */
  specArgs: string[];
}

/**
 * Refuses a spec a job on a cluster cannot run: output on a local path, or a password the job
 * would read from an environment variable that a cluster does not have.
 */
export function checkRemoteSpec(service: 'emr' | 'emr-serverless', spec: SparkJobSpec): void {
  const bad = (message: string) => new ComputeError(service, message, { code: 'E_REMOTE_SPEC' });
  for (const [field, value] of [['output.dir', spec.output.dir], ['manifestPath', spec.manifestPath]] as const) {
    if (!isS3Uri(value)) throw bad(`${service} jobs write to S3, but the spec's ${field} is ${value}. Set PIPELINE_TEMP_DIR to an s3:// URI.`);
  }
  const passwordEnv = 'passwordEnv' in spec.read ? spec.read.passwordEnv : undefined;
  if (passwordEnv !== undefined) {
    throw bad(
      `${service} jobs do not get the worker's environment, so read.passwordEnv (${passwordEnv}) cannot reach them. Give the job the secret's ARN (read.secretArn); it reads the credentials from Secrets Manager itself.`,
    );
  }
}

/**
 * Uploads the job code (once per content hash) and, when needed, the spec, and returns the
 * arguments that hand the spec to load_job.py: inline when `fits` accepts them, else as an S3
 * object named by its content.
 */
export async function prepareRemoteJob(options: {
  store: ObjectStore;
  codePrefix: string;
  sparkDir: string;
  spec: SparkJobSpec;
  fits: (code: UploadedJobBundle, specArgs: string[]) => boolean;
  signal?: AbortSignal;
}): Promise<RemoteJob> {
  const { store, codePrefix, spec: given } = options;
  const transformPath = given.transform?.path;
  const bundle = await buildJobBundle({ sparkDir: options.sparkDir, transformPaths: transformPath ? [transformPath] : [] });
  const code = await uploadJobBundle(store, codePrefix, bundle, options.signal ? { signal: options.signal } : {});
  const spec: SparkJobSpec = transformPath ? { ...given, transform: { path: bundle.transformMembers.get(transformPath)! } } : given;
  const json = JSON.stringify(spec);
  const inline = ['--spec-json', json];
  if (options.fits(code, inline)) return { code, spec, specArgs: inline };
  // Named by content, like the code: a retry of the same spec rewrites the same object.
  const specUri = joinUri(codePrefix, 'specs', `${createHash('sha256').update(json).digest('hex')}.json`);
  await store.put(specUri, json, { contentType: 'application/json', ...(options.signal ? { signal: options.signal } : {}) });
  return { code, spec, specArgs: ['--spec', specUri] };
}
