export { createLogger, type CreateLoggerOptions, type Logger } from './create-logger.js';
export { withLogScope, type LogScope } from './log-scope.js';
export { registerSecret, redactText, REDACTED, MASKED_PASSWORD } from './redactor.js';
export { redactValue } from './redact-value.js';
export { isSensitiveKey } from './sensitive-keys.js';
export { serializeError, type SerializedError, type SerializeErrorOptions } from './serialize-error.js';
