export { startWorker, type StartWorkerOptions, type PipelineWorker, type WorkerHealth, type CloseOptions } from './start-worker.js';
export { createShutdownHandler, type ShutdownOptions } from './shutdown.js';
export type { PhaseOutcome } from './process-phase.js';
export { listWorkers, workerKey, type WorkerInfo } from '@pipeline/runs';
export { parseLocalExternalId } from './local-external-id.js';
export { PhaseInputError, PhaseTimeoutError } from './errors/index.js';
export type { AttemptOutcome } from './metrics/phase-metrics.js';
