import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { redshiftDataSdk } from '../../lazy/lazy-modules.js';
import { withExactLongValues } from './exact-long-values.js';

/** Attempts per API call, the first included; throttled calls back off between them. */
const MAX_ATTEMPTS = 6;

/**
 * A Data API client from the usual AWS settings, with adaptive retries (exponential backoff,
 * and client-side rate limiting once the service throttles) and exact 64-bit integers.
 */
export async function createRedshiftDataClient(region?: string): Promise<RedshiftDataClient> {
  const { RedshiftDataClient } = await redshiftDataSdk();
  return withExactLongValues(new RedshiftDataClient({ ...(region ? { region } : {}), retryMode: 'adaptive', maxAttempts: MAX_ATTEMPTS }));
}
