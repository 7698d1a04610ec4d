/**
 * One SQL statement with its bound values. Placeholders are `$1…$n` in both dialects; the
 * Redshift Data API adapter renames them to its named form, so generators never concatenate
 * values into SQL text.
 */
export interface Statement {
  sql: string;
  params: unknown[];
}
