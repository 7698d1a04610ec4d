import type { CheckSpec } from '@pipeline/sql';
import { parseDuration } from '../pipeline/duration.js';
import type { CheckDefinition } from '../pipeline/pipeline-schema.js';

/** Checks as the SQL layer knows them; reconciliation is assembled by the validate phase itself. */
export function toCheckSpecs(definitions: CheckDefinition[]): CheckSpec[] {
  const specs: CheckSpec[] = [];
  for (const def of definitions) {
    if ('not_null' in def) specs.push({ kind: 'not_null', columns: def.not_null });
    else if ('unique' in def) specs.push({ kind: 'unique', columns: def.unique });
    else if ('row_count' in def) specs.push({ kind: 'row_count', ...def.row_count });
    else if ('accepted_values' in def) {
      for (const [column, values] of Object.entries(def.accepted_values)) specs.push({ kind: 'accepted_values', column, values });
    } else if ('freshness' in def) {
      specs.push({ kind: 'freshness', column: def.freshness.column, maxAgeSeconds: parseDuration(def.freshness.maxAge) as number });
    } else if ('custom_sql' in def) specs.push({ kind: 'custom_sql', name: def.custom_sql.name, sql: def.custom_sql.sql });
  }
  return specs;
}

/** Whether the definitions ask for reconciliation, and against the source too. */
export function reconciliationOf(definitions: CheckDefinition[]): { source: boolean } | undefined {
  const def = definitions.find((d) => 'reconciliation' in d);
  if (!def || !('reconciliation' in def)) return undefined;
  return { source: def.reconciliation === true ? true : def.reconciliation.source };
}

/** Every column a check names, for validating them against the data before anything runs. */
export function checkColumns(specs: CheckSpec[]): string[] {
  return specs.flatMap((s) => {
    switch (s.kind) {
      case 'not_null':
      case 'unique':
        return s.columns;
      case 'accepted_values':
      case 'freshness':
        return [s.column];
      default:
        return [];
    }
  });
}
