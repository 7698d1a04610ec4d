import { defaultMapType } from '../ddl/default-map-type.js';
import { SqlUnsupportedError } from '../errors/sql-unsupported-error.js';
import { copyFromStdinCsv } from '../load/copy-from-stdin-csv.js';
import { DEFAULT_STRATEGIES } from '../merge/default-strategies.js';
import { defaultMergeWhenMatched } from './default-merge-when-matched.js';
import type { DialectHooks } from './dialect-hooks.js';

/** Every hook as PostgreSQL runs it; a dialect spreads these and overrides what differs. */
export const defaultHooks: Omit<DialectHooks, 'name'> = Object.freeze({
  mapType: defaultMapType,
  // Column defaults come along so a column missing from the staged files behaves as in the
  // target; constraints and indexes stay behind so staging accepts the duplicates dedupe removes.
  likeOptions: ' INCLUDING DEFAULTS',
  copyFromStdin: copyFromStdinCsv,
  copyFromS3(d: DialectHooks): never {
    throw new SqlUnsupportedError('copyFromS3', d.name, 'only Redshift reads from S3; use copyFromStdin to stream the files.');
  },
  mergeWhenMatched: defaultMergeWhenMatched,
  mergeMatchedCondition: true,
  freshnessAgeSeconds: (latest: string, now: string) =>
    `CAST(FLOOR(EXTRACT(EPOCH FROM (CAST(${now} AS timestamptz) - ${latest}))) AS bigint)`,
  jsonParam: (placeholder: string) => `CAST(${placeholder} AS jsonb)`,
  jsonColumnType: 'jsonb',
  // Conflicts with itself and with writers, not with readers: analysts keep reading.
  lockTable: (quotedTable: string) => `LOCK TABLE ${quotedTable} IN SHARE ROW EXCLUSIVE MODE`,
  currentTimestamp: 'now()',
  strategies: DEFAULT_STRATEGIES,
});
