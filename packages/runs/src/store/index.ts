export { RunStore, type RunStoreOptions, type ListOptions } from './run-store.js';
export { runKeys, type RunKeys } from './run-keys.js';
