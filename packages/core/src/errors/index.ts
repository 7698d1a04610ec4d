export { PipelineError } from './pipeline-error.js';
export { ConfigError } from './config-error.js';
export { ConnectionError } from './connection-error.js';
export { SecretError } from './secret-error.js';
