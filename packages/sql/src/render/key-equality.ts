/**
 * `left."k1" = right."k1" AND …` over already-quoted key columns. Plain equality, not
 * IS NOT DISTINCT FROM: keys are never NULL (a not_null check on the key runs first), equality
 * lets both engines hash-join, and Redshift's MERGE accepts only equality predicates.
 */
export function keyEquality(left: string, right: string, quotedKey: readonly string[]): string {
  return quotedKey.map((k) => `${left}.${k} = ${right}.${k}`).join(' AND ');
}
