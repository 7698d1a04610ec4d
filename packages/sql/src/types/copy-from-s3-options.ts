/** Where and how Redshift's COPY reads the staged files. */
export interface CopyFromS3Options {
  /** `s3://bucket/prefix/` (or the manifest's key when `manifest` is true). */
  uri: string;
  /** `arn:aws:iam::123456789012:role/…`, the role Redshift assumes to read the bucket. */
  iamRole: string;
  format: 'parquet' | 'csv';
  /** Whether `uri` names a manifest file listing the data files. */
  manifest: boolean;
  /** The bucket's region when it differs from the cluster's (CSV only: Parquet COPY rejects REGION). */
  region?: string;
}
