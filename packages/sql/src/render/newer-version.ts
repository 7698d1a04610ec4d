/**
 * SQL that is true when the row `newer` holds a later version than the row `older`, over the
 * already-quoted `orderBy` columns compared in turn: the first column that differs decides, and
 * a NULL ranks below every value (as `dedupe` ranks them, DESC NULLS LAST). Equal versions are
 * not newer. Spelled out column by column, without row constructors, which Redshift lacks.
 */
export function newerVersion(newer: string, older: string, quotedOrderBy: readonly string[]): string {
  const [column, ...rest] = quotedOrderBy;
  if (column === undefined) return 'FALSE';
  const n = `${newer}.${column}`;
  const o = `${older}.${column}`;
  const greater = `${n} > ${o} OR (${n} IS NOT NULL AND ${o} IS NULL)`;
  if (rest.length === 0) return `(${greater})`;
  const same = `(${n} = ${o} OR (${n} IS NULL AND ${o} IS NULL))`;
  return `(${greater} OR (${same} AND ${newerVersion(newer, older, rest)}))`;
}
