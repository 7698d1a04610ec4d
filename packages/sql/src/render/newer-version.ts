/**
 * SQL that is true when the row `newer` holds a later version than the row `older`, over the
 * already-quoted `orderBy` columns compared in turn: the first column that differs decides, and
 * a NULL ranks below every value (as `dedupe` ranks them, DESC NULLS LAST). Equal versions are
 * not newer. Never NULL itself, so that it can be negated. Spelled out column by column, without
 * row constructors or IS DISTINCT FROM, which Redshift lacks.
 */
export function newerVersion(newer: string, older: string, quotedOrderBy: readonly string[]): string {
  const [column, ...rest] = quotedOrderBy;
  if (column === undefined) return 'FALSE';
  const n = `${newer}.${column}`;
  const o = `${older}.${column}`;
  const greater = `(${n} IS NOT NULL AND (${o} IS NULL OR ${n} > ${o}))`;
  if (rest.length === 0) return greater;
  const same = `((${n} IS NULL AND ${o} IS NULL) OR (${n} IS NOT NULL AND ${o} IS NOT NULL AND ${n} = ${o}))`;
  return `(${greater} OR (${same} AND ${newerVersion(newer, older, rest)}))`;
}
