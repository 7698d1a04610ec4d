const PARAM_PLACEHOLDER = /\{\{\s*params\.[^\s{}]+\s*\}\}/;

/**
 * The first `{{ params.… }}` written inside a single-quoted string literal of `sql`, if any.
 * Bound as `$n` there it would be the text "$1", not the value, and the check would silently
 * compare against the wrong thing. Comments and quoted identifiers are skipped so that an
 * apostrophe in them does not start a literal.
 */
export function quotedPlaceholder(sql: string): string | undefined {
  let i = 0;
  while (i < sql.length) {
    const two = sql.slice(i, i + 2);
    if (two === '--') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (two === '/*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (sql[i] === '"') {
      const end = sql.indexOf('"', i + 1);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql[i] === "'") {
      // '' inside a literal is an escaped quote: it ends one scan and starts the next, which is
      // the same literal continuing, so the placeholder search over each part still applies.
      const end = sql.indexOf("'", i + 1);
      const literal = sql.slice(i + 1, end === -1 ? sql.length : end);
      const found = PARAM_PLACEHOLDER.exec(literal);
      if (found !== null) return found[0];
      i = end === -1 ? sql.length : end + 1;
    } else {
      i += 1;
    }
  }
  return undefined;
}
