export * from './model/index.js';
export * from './errors/index.js';
export * from './dag/index.js';
export * from './queues/index.js';
export * from './catalog/index.js';
export * from './store/index.js';
export { Orchestrator, type OrchestratorOptions, type CreateRunRequest, type FailPhaseOptions, type MarkRunningOptions } from './orchestrator.js';
