export { workerKey, type WorkerInfo } from './worker-info.js';
export { listWorkers } from './list-workers.js';
