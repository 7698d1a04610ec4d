import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { quoteIdent } from '../identifiers/quote-ident.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { assertSubset } from '../render/assert-subset.js';
import { quoteColumns } from '../render/quote-columns.js';
import { requireDate } from '../render/require-date.js';
import type { MergeInput } from '../types/merge-input.js';
import type { MergePlan } from './merge-plan.js';
import type { MergeStrategyDefinition } from './merge-strategy-definition.js';

/** Validates a merge input against its strategy's needs and quotes every identifier. */
export function planMerge(d: DialectHooks, input: MergeInput, strategy: MergeStrategyDefinition): MergePlan {
  const target = quoteTable(input.target, d.name, 'merge.target');
  const staging = quoteTable(input.staging, d.name, 'merge.staging');
  if (target === staging) {
    throw new SqlInputError('merge.staging', `is the target table ${target}; stage into a separate table.`);
  }
  const columns = quoteColumns(input.columns, 'merge.columns', d.name);
  const key = quoteColumns(input.key ?? [], 'merge.key', d.name, { allowEmpty: true });
  if (strategy.needsKey && key.length === 0) {
    throw new SqlInputError(
      'merge.key',
      `strategy "${input.strategy}" matches staged rows to target rows by key: set the load's key columns ` +
        'or use the append or replace strategy.',
    );
  }
  assertSubset(input.key ?? [], input.columns, 'merge.key', 'merge.columns');
  const orderBy = quoteColumns(input.orderBy ?? [], 'merge.orderBy', d.name, { allowEmpty: true });
  if (orderBy.length > 0 && !strategy.needsKey) {
    throw new SqlInputError('merge.orderBy', `applies only to the strategies that match rows by key (merge, delete-insert), not "${input.strategy}"; remove it.`);
  }
  assertSubset(input.orderBy ?? [], input.columns, 'merge.orderBy', 'merge.columns');
  const plan: MergePlan = { target, staging, columns, key, orderBy };
  if (input.intervalDelete !== undefined) {
    if (!strategy.acceptsIntervalDelete) {
      throw new SqlInputError(
        'merge.intervalDelete',
        `applies only to the append strategy, not "${input.strategy}"; remove it.`,
      );
    }
    const iv = input.intervalDelete;
    const start = requireDate(iv.start, 'merge.intervalDelete.start');
    const end = requireDate(iv.end, 'merge.intervalDelete.end');
    if (start.getTime() >= end.getTime()) {
      throw new SqlInputError(
        'merge.intervalDelete',
        `start ${start.toISOString()} is not before end ${end.toISOString()}; the interval is [start, end).`,
      );
    }
    plan.intervalDelete = { column: quoteIdent(iv.column, d.name, 'merge.intervalDelete.column'), start, end };
  }
  return plan;
}
