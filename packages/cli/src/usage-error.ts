import { ConfigError } from '@pipeline/core';

/** A command-line argument is wrong. Exit code 2, nothing runs. */
export class UsageError extends ConfigError {
  constructor(message: string) {
    super(message, { code: 'E_USAGE' });
  }
}
