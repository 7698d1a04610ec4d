import type { IBucket } from 'aws-cdk-lib/aws-s3';

/**
 * The folders under `s3://<bucket>/<prefix>/` (docs/aws.md, section 1) and the ARNs and URIs the
 * policies and settings are made of, written once so a policy cannot drift from the layout.
 */
export class BucketLayout {
  constructor(
    readonly bucket: IBucket,
    readonly prefix: string,
  ) {}

  /** `PIPELINE_TEMP_DIR`. */
  get tempDirUri(): string {
    return `s3://${this.bucket.bucketName}/${this.prefix}`;
  }

  /** `s3://…/<prefix>/<folder>`, e.g. `PIPELINE_CODE_URI` for `code`. */
  uri(folder: string): string {
    return `${this.tempDirUri}/${folder}`;
  }

  /** The ARN of objects under a folder, e.g. `runs/*` or `runs/*\/unload/*`. */
  objects(pattern: string): string {
    return this.bucket.arnForObjects(`${this.prefix}/${pattern}`);
  }

  /** The key prefix condition value for ListBucket under a folder. */
  listPrefix(pattern: string): string {
    return `${this.prefix}/${pattern}`;
  }
}
