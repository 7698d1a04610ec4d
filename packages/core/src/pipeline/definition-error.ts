import { ConfigError } from '../errors/config-error.js';

/** One problem found in a pipeline definition file. */
export interface DefinitionIssue {
  file: string;
  /** Dotted path inside the file, e.g. `loads[0].target.strategy`; empty for the whole file. */
  path: string;
  /** `line:column` when the position is known. */
  position?: string;
  message: string;
}

/** One or more pipeline definitions are invalid; nothing was run. */
export class DefinitionError extends ConfigError {
  readonly issues: DefinitionIssue[];

  constructor(issues: DefinitionIssue[]) {
    super(DefinitionError.format(issues), { code: 'E_PIPELINE_DEFINITION', location: issues[0]?.file });
    this.issues = issues;
  }

  static format(issues: DefinitionIssue[]): string {
    const lines = issues.map((i) => {
      const where = [i.file + (i.position ? `:${i.position}` : ''), i.path].filter(Boolean).join(' at ');
      return `  ${where}: ${i.message}`;
    });
    return `invalid pipeline definition${issues.length > 1 ? 's' : ''}:\n${lines.join('\n')}`;
  }
}
