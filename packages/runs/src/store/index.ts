export { RunStore, SCHEDULE_LAST_END_FIELD, SCHEDULE_MAX_ACTIVE_FIELD, isActiveRun, statsField, type RunStoreOptions, type ListOptions } from './run-store.js';
export { runKeys, type RunKeys } from './run-keys.js';
export { LuaScript, type LuaScriptOptions } from './lua-script.js';
export { LeaseLock, type LeaseOptions } from './lease-lock.js';
