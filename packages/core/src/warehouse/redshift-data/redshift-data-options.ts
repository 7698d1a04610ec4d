import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { Logger } from '../../logging/index.js';

/** Where the statements run: a Serverless workgroup or a provisioned cluster. */
export type RedshiftDataTarget = { workgroupName: string } | { clusterIdentifier: string };

/** How {@link RedshiftDataWarehouse} reaches Redshift through the Data API. */
export interface RedshiftDataOptions {
  target: RedshiftDataTarget;
  database: string;
  /**
   * Secrets Manager secret with the database user's credentials. Without it the Data API uses
   * `dbUser` (provisioned clusters) or the caller's IAM identity (both).
   */
  secretArn?: string;
  /** Database user for temporary credentials; provisioned clusters only. */
  dbUser?: string;
  /** Region of the client built when `client` is absent. @defaultValue from the AWS settings */
  region?: string;
  /**
   * The client to use, e.g. one pointed at a stand-in. When absent one is built from `region`
   * and the usual AWS settings (AWS_ENDPOINT_URL_REDSHIFT_DATA, AWS_PROFILE, …) with adaptive
   * retries, which back off on throttling.
   */
  client?: RedshiftDataClient;
  /**
   * DescribeStatement polling: exponential from `initialMs`, capped at `maxMs`, with jitter.
   * The same backoff spaces retries after serialization conflicts.
   * @defaultValue `{ initialMs: 100, maxMs: 5000 }`
   */
  pollInterval?: { initialMs: number; maxMs: number };
  /** Retries of a call that failed on a serialization conflict (Redshift error 1023). @defaultValue 5 */
  conflictRetries?: number;
  /**
   * Idempotency key of each submission, for calls that pass no `clientToken` of their own:
   * called with the ordinal of the submission on this warehouse (0, 1, …), so a phase that
   * makes the same calls in the same order gets the same keys. Undefined lets the SDK choose a
   * random one. The key is hashed to the 64 characters the Data API accepts.
   * @defaultValue random keys
   */
  clientToken?: (index: number) => string | undefined;
  logger?: Logger;
}
