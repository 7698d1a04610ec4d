import { parseTableName } from '@pipeline/sql';
import { checkColumns, toCheckSpecs } from '../checks/to-check-specs.js';
import type { CallOptions, Warehouse } from '../warehouse/warehouse.js';
import { LoadInputError } from './load-input-error.js';
import type { LoadRun } from './load-run.js';

/**
 * Checks a load against its source table before anything runs, so a definition naming a column
 * the source lacks is refused up front rather than after a Spark job. With a transform only the
 * incremental column is known to be read from the source; the rest is checked on the job's output.
 */
export async function preflight(run: LoadRun, warehouse: Warehouse, options: CallOptions = {}): Promise<void> {
  const { source, target, checks, transform } = run.load;
  if (!source.table) return;
  const table = parseTableName(source.table, `loads[${run.load.id}].source.table`, warehouse.dialect.name);
  const rows = await warehouse.query<{ column_name: string }>(warehouse.dialect.describeTable(table), options);
  if (rows.length === 0) {
    throw new LoadInputError(`load "${run.load.id}": source table ${table.schema}.${table.name} does not exist (or this user cannot see it)`, { code: 'E_LOAD_SOURCE' });
  }
  const present = new Set(rows.map((r) => r.column_name));
  const wanted: [string, string[]][] = [['source.incrementalColumn', source.incrementalColumn ? [source.incrementalColumn] : []]];
  if (!transform) {
    wanted.push(
      ['target.key', target.key],
      ['target.orderBy', target.orderBy ?? []],
      ['checks.staging', checkColumns(toCheckSpecs(checks.staging))],
      ['checks.final', checkColumns(toCheckSpecs(checks.final))],
    );
  }
  const problems = wanted.flatMap(([where, cols]) => cols.filter((c) => !present.has(c)).map((c) => `${where} names "${c}"`));
  if (problems.length > 0) {
    throw new LoadInputError(
      `load "${run.load.id}": ${problems.join(', ')}, which source table ${table.schema}.${table.name} does not have (it has: ${[...present].join(', ')})`,
      { code: 'E_LOAD_COLUMNS' },
    );
  }
}
