export { startScheduler, type Scheduler, type SchedulerOptions, type TickReport } from './loop/start-scheduler.js';
export type { PipelineTickResult } from './loop/tick-pipeline.js';
export { schedulerKeys, retentionGuardKey } from './loop/scheduler-keys.js';
export { pruneExpiredRuns, RETENTION_EVERY_SECONDS, type RetentionContext } from './loop/prune-expired-runs.js';
export { dueIntervals, type DueIntervalsInput } from './plan/due-intervals.js';
export { planTick, type PlannedRun, type TickPlan, type TickPlanInput } from './plan/plan-tick.js';
