import type { DialectHooks } from '../dialects/dialect-hooks.js';
import type { Statement } from '../types/statement.js';
import type { MergePlan } from './merge-plan.js';

/** One entry of a dialect's strategy allowlist. */
export interface MergeStrategyDefinition {
  /** Whether rows are matched by key, so that an empty key is an input error. */
  readonly needsKey: boolean;
  /** Whether `intervalDelete` means anything to this strategy. */
  readonly acceptsIntervalDelete: boolean;
  /**
   * Whether the body replaces rows another merge may be writing (it matches keys or deletes), so
   * that the transaction must lock the target first. Appending alone never needs it.
   */
  locksTarget(plan: MergePlan): boolean;
  /** The statements between BEGIN (and the target lock) and the audit insert. */
  body(d: DialectHooks, plan: MergePlan): Statement[];
}
