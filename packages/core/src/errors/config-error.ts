import { PipelineError } from './pipeline-error.js';

/** A configuration value or a pipeline definition is invalid. The user must fix the input. */
export class ConfigError extends PipelineError {
  readonly code: string;
  /** Where the problem is: a file, and a path inside it when known. */
  readonly location: string | undefined;

  constructor(message: string, options: { code?: string; location?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'E_CONFIG';
    this.location = options.location;
  }
}
