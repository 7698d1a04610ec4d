/**
 * A single-quoted SQL string literal. Only for the few places an engine takes no bound
 * parameter (Redshift COPY's source and role); callers validate the text against a strict
 * pattern first, so this is a second line of defence, not the only one.
 */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
