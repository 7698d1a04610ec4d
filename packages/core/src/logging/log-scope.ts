import type { Logger } from './create-logger.js';

/** The fields that say which piece of work a log line belongs to. */
export interface LogScope {
  runId?: string;
  pipelineId?: string;
  loadId?: string;
  phase?: string;
  attempt?: number;
  /** The compute or warehouse job's own id: an EMR step id, a job run id, a statement id. */
  externalId?: string;
}

/** A child logger that writes the scope's fields on every line. Undefined fields are left out. */
export function withLogScope(logger: Logger, scope: LogScope): Logger {
  const bindings = Object.fromEntries(Object.entries(scope).filter(([, value]) => value !== undefined));
  return logger.child(bindings);
}
