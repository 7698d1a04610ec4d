import type pg from 'pg';
import { CopyRequestError } from './copy-errors.js';

/** A column a COPY loads, with its type as PostgreSQL's format_type spells it. */
export interface TargetColumn {
  name: string;
  type: string;
}

/**
 * The columns a COPY fills, in the order the file's columns map onto them: the column list's
 * order when the statement has one, else the table's. Read in the statement's own transaction,
 * so a table created earlier in the same batch is seen.
 */
export async function targetColumns(client: pg.PoolClient, table: string, names: string[]): Promise<TargetColumn[]> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_attribute a
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [table],
  );
  if (rows.length === 0) throw new CopyRequestError(`relation "${table.replaceAll('"', '')}" does not exist`);
  if (names.length === 0) return rows;
  return names.map((name) => {
    const column = rows.find((row) => row.name === name);
    if (!column) throw new CopyRequestError(`column "${name}" of relation "${table.replaceAll('"', '')}" does not exist`);
    return column;
  });
}
