export { startWorker, type StartWorkerOptions, type PipelineWorker, type CloseOptions } from './start-worker.js';
export { createShutdownHandler, type ShutdownOptions } from './shutdown.js';
export type { PhaseOutcome } from './process-phase.js';
export { listWorkers } from './list-workers.js';
export { workerKey, type WorkerInfo } from './worker-info.js';
export { parseLocalExternalId } from './local-external-id.js';
export { PhaseInputError, PhaseTimeoutError } from './errors/index.js';
