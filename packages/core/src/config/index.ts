export * from './config-schema.js';
export * from './load-config.js';
export { ENV } from './env-vars.js';
