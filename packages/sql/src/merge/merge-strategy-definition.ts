import type { DialectHooks } from '../dialects/dialect-hooks.js';
import type { Statement } from '../types/statement.js';
import type { MergePlan } from './merge-plan.js';

/** One entry of a dialect's strategy allowlist. */
export interface MergeStrategyDefinition {
  /** Whether rows are matched by key, so that an empty key is an input error. */
  readonly needsKey: boolean;
  /** Whether `intervalDelete` means anything to this strategy. */
  readonly acceptsIntervalDelete: boolean;
  /** The statements between BEGIN and the audit insert. */
  body(d: DialectHooks, plan: MergePlan): Statement[];
}
