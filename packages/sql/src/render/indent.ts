/** Indents every line of a nested query by two spaces, so generated SQL reads like handwritten. */
export function indent(sql: string): string {
  return sql
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
