/**
 * One lexical piece of Redshift SQL. `quoted` covers string literals, quoted identifiers,
 * dollar-quoted bodies and comments: their content is never rewritten. `param` is a Data API
 * named parameter (`:name`); `::` casts are punctuation.
 */
export interface Token {
  type: 'word' | 'number' | 'quoted' | 'space' | 'param' | 'punct';
  text: string;
}

const WORD = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/;
const NUMBER = /^\d+(\.\d*)?([eE][+-]?\d+)?/;
const SPACE = /^\s+/;
const PARAM = /^:[A-Za-z0-9_]+/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * Splits Redshift SQL into tokens the way Redshift's lexer reads it: a backslash inside a
 * single-quoted literal escapes the next character, a doubled quote is a quote, block comments
 * nest. Joining the texts gives back the input exactly.
 */
export function redshiftTokens(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const quotedTo = quotedEnd(sql, i);
    let token: Token;
    if (quotedTo !== undefined) token = { type: 'quoted', text: sql.slice(i, quotedTo) };
    else if (rest.startsWith('::')) token = { type: 'punct', text: '::' };
    else token = match(rest, SPACE, 'space') ?? match(rest, WORD, 'word') ?? match(rest, NUMBER, 'number') ?? match(rest, PARAM, 'param') ?? { type: 'punct', text: sql[i]! };
    tokens.push(token);
    i += token.text.length;
  }
  return tokens;
}

function match(rest: string, pattern: RegExp, type: Token['type']): Token | undefined {
  const found = pattern.exec(rest)?.[0];
  return found === undefined ? undefined : { type, text: found };
}

function quotedEnd(sql: string, i: number): number | undefined {
  const c = sql[i];
  const next = sql[i + 1];
  if (c === '-' && next === '-') {
    const nl = sql.indexOf('\n', i);
    return nl === -1 ? sql.length : nl + 1;
  }
  if (c === '/' && next === '*') return blockCommentEnd(sql, i);
  if (c === '"' || c === "'") return closing(sql, i + 1, c, c === "'");
  if (c === '$') {
    const tag = DOLLAR_TAG.exec(sql.slice(i))?.[0];
    if (tag === undefined) return undefined;
    const close = sql.indexOf(tag, i + tag.length);
    return close === -1 ? sql.length : close + tag.length;
  }
  return undefined;
}

function closing(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let j = from;
  while (j < sql.length) {
    const c = sql[j];
    if (backslashEscapes && c === '\\') j += 2;
    else if (c === quote && sql[j + 1] === quote) j += 2;
    else if (c === quote) return j + 1;
    else j += 1;
  }
  return sql.length;
}

function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  let j = from;
  while (j < sql.length) {
    const two = sql.slice(j, j + 2);
    if (two === '/*') {
      depth += 1;
      j += 2;
    } else if (two === '*/') {
      depth -= 1;
      j += 2;
      if (depth === 0) return j;
    } else {
      j += 1;
    }
  }
  return sql.length;
}

/** The text of a single-quoted literal token, unescaped as Redshift reads it. */
export function literalValue(token: Token): string | undefined {
  if (token.type !== 'quoted' || !token.text.startsWith("'")) return undefined;
  const body = token.text.slice(1, token.text.endsWith("'") && token.text.length > 1 ? -1 : undefined);
  return body.replace(/\\(.)|''/gs, (m, escaped: string | undefined) => escaped ?? "'");
}
