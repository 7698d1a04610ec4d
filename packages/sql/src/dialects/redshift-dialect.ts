import { copyFromS3Redshift } from '../load/copy-from-s3-redshift.js';
import type { SqlDialect } from '../types/sql-dialect.js';
import { createDialect } from './create-dialect.js';
import { defaultHooks } from './default-hooks.js';
import { redshiftCopyFromStdin } from './redshift/redshift-copy-from-stdin.js';
import { redshiftMapType } from './redshift/redshift-map-type.js';
import { redshiftMergeWhenMatched } from './redshift/redshift-merge-when-matched.js';

/** Amazon Redshift: the defaults, with only the hooks where Redshift differs overridden. */
export const redshiftDialect: SqlDialect = createDialect({
  ...defaultHooks,
  name: 'redshift',
  mapType: redshiftMapType,
  // Redshift's plain LIKE already carries what staging needs: columns, NOT NULL, and the
  // distribution and sort keys that keep the merge's join local to each slice.
  likeOptions: '',
  copyFromStdin: redshiftCopyFromStdin,
  copyFromS3: copyFromS3Redshift,
  mergeWhenMatched: redshiftMergeWhenMatched,
  // Its MERGE takes no WHEN MATCHED AND …: a versioned merge deletes stale staged rows first.
  mergeMatchedCondition: false,
  // Redshift's idiom for the gap between two timestamps; it counts second boundaries crossed.
  freshnessAgeSeconds: (latest: string, now: string) => `DATEDIFF(second, ${latest}, CAST(${now} AS timestamptz))`,
  jsonParam: (placeholder: string) => `JSON_PARSE(${placeholder})`,
  jsonColumnType: 'SUPER',
  // Redshift has one lock mode for LOCK: exclusive until the transaction ends.
  lockTable: (quotedTable: string) => `LOCK ${quotedTable}`,
  // now() is a deprecated leader-node function on Redshift; SYSDATE is the transaction's start
  // time in UTC, which is what loaded_at records.
  currentTimestamp: 'SYSDATE',
});
