/**
 * The AWS SDK clients and the PostgreSQL driver, loaded when a connector first needs them.
 * Importing @pipeline/core must stay cheap: the scheduler (10,000 definitions in 256 MB), the
 * API server and the short CLI commands use core's configuration, schemas and errors but none
 * of these packages, which together add over 20 MB of memory and a few hundred milliseconds to
 * every start. Everywhere else in core they are imported for their types only.
 */

/** One load per process, however many calls ask: polling loops ask on every request. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

export const s3Sdk = once(() => import('@aws-sdk/client-s3'));
export const emrSdk = once(() => import('@aws-sdk/client-emr'));
export const emrServerlessSdk = once(() => import('@aws-sdk/client-emr-serverless'));
export const redshiftDataSdk = once(() => import('@aws-sdk/client-redshift-data'));
export const secretsManagerSdk = once(() => import('@aws-sdk/client-secrets-manager'));
export const pgDriver = once(async () => (await import('pg')).default);
export const pgCopyStreams = once(() => import('pg-copy-streams'));

export type S3Sdk = Awaited<ReturnType<typeof s3Sdk>>;
export type EmrSdk = Awaited<ReturnType<typeof emrSdk>>;
export type EmrServerlessSdk = Awaited<ReturnType<typeof emrServerlessSdk>>;
export type RedshiftDataSdk = Awaited<ReturnType<typeof redshiftDataSdk>>;
export type SecretsManagerSdk = Awaited<ReturnType<typeof secretsManagerSdk>>;
