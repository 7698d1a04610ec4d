import { ConfigError } from '@pipeline/core/errors';

/**
 * A request is malformed: a command-line argument or an API body. Nothing ran. The command exits
 * with 2; the API answers 400. One class, so that both refuse the same input the same way.
 */
export class UsageError extends ConfigError {
  constructor(message: string) {
    super(message, { code: 'E_USAGE' });
  }
}
