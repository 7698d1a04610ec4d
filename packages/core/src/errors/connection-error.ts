import { PipelineError } from './pipeline-error.js';

/** A service (warehouse, Secrets Manager, compute) could not be reached or refused us. */
export class ConnectionError extends PipelineError {
  readonly code = 'E_CONNECTION';
  override readonly retryable = true;
  readonly service: string;

  constructor(service: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.service = service;
  }
}
