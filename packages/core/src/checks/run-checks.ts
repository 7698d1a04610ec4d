import type { CheckSpec, TableName } from '@pipeline/sql';
import type { CallOptions, Warehouse } from '../warehouse/warehouse.js';
import type { CheckResult } from './check-result.js';

function normalise(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return /^-?\d+(\.\d+)?$/.test(text) && Number.isSafeInteger(Math.trunc(Number(text))) ? Number(text) : text;
}

/** Runs checks one after another on a table; the sample query runs only for failing checks. */
export async function runChecks(
  warehouse: Warehouse,
  specs: CheckSpec[],
  table: TableName,
  context: { key: string[]; now: Date; stage: 'staging' | 'final'; sampleSize?: number; params?: Record<string, string | number | boolean> },
  options?: CallOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const spec of specs) {
    const sql = warehouse.dialect.checkSql(spec, table, {
      key: context.key,
      now: context.now,
      sampleSize: context.sampleSize ?? 5,
      params: context.params ?? {},
    });
    const [row] = await warehouse.query<{ observed: unknown }>(sql.observed, options);
    const observed = row?.observed;
    const passed = sql.passes(observed);
    const sample = !passed && sql.sample ? await warehouse.query(sql.sample, options) : [];
    results.push({ name: sql.name, passed, observed: normalise(observed), sample, stage: context.stage });
  }
  return results;
}
