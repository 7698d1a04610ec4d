export { backfill, type BackfillOptions, type BackfillResult } from './backfill.js';
export { BackfillQueue, type StoredBackfill } from './backfill-queue.js';
export { backfillKey } from './backfill-key.js';
export { planBackfill, type BackfillPlan, type ExistingRun, type ExistingRunState, type IntervalRuns, type Reprocess, type SkippedInterval } from './plan-backfill.js';
export { backfillIntervals, MAX_BACKFILL_INTERVALS } from './backfill-intervals.js';
export { reprocessRunId, intervalRunIds } from './reprocess-run-id.js';
export { encodePendingBackfill, decodePendingBackfill, type PendingBackfill } from './pending-backfill.js';
