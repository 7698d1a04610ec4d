import { ConfigError } from '../errors/config-error.js';

/** The data does not fit the load's definition (a key or check column the source lacks…). */
export class LoadInputError extends ConfigError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'E_LOAD_INPUT', cause: options.cause });
  }
}
