import type { MergeStrategyDefinition } from './merge-strategy-definition.js';
import { appendStrategy } from './strategies/append-strategy.js';
import { deleteInsertStrategy } from './strategies/delete-insert-strategy.js';
import { mergeStrategy } from './strategies/merge-strategy.js';
import { replaceStrategy } from './strategies/replace-strategy.js';

/** The strategies every dialect allows unless it overrides the allowlist. */
export const DEFAULT_STRATEGIES: Readonly<Record<string, MergeStrategyDefinition>> = Object.freeze({
  merge: mergeStrategy,
  'delete-insert': deleteInsertStrategy,
  append: appendStrategy,
  replace: replaceStrategy,
});
