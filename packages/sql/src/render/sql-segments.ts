import type { DialectName } from '../types/dialect-name.js';

/**
 * A stretch of SQL text: `code` is what the engine parses as tokens; `quoted` is a string
 * literal, a quoted identifier, a dollar-quoted body or a comment, whose content is never a
 * placeholder or a keyword.
 */
export interface SqlSegment {
  kind: 'code' | 'quoted';
  text: string;
}

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * Splits SQL into code and quoted stretches, the way the engine reads it. The dialects differ in
 * one place: Redshift treats a backslash inside any single-quoted literal as an escape, so
 * `'a\'b'` is one literal there; PostgreSQL does so only in `E'…'` literals. An unterminated
 * literal or comment runs to the end of the text, as it does for the engine's lexer.
 */
export function sqlSegments(sql: string, dialect: DialectName): SqlSegment[] {
  const segments: SqlSegment[] = [];
  let codeStart = 0;
  let i = 0;
  const push = (kind: SqlSegment['kind'], from: number, to: number) => {
    if (to > from) segments.push({ kind, text: sql.slice(from, to) });
  };
  while (i < sql.length) {
    const end = quotedEnd(sql, i, dialect);
    if (end === undefined) {
      i += 1;
      continue;
    }
    push('code', codeStart, i);
    push('quoted', i, end);
    i = end;
    codeStart = end;
  }
  push('code', codeStart, sql.length);
  return segments;
}

/** Where the quoted stretch starting at `i` ends, or undefined when none starts there. */
function quotedEnd(sql: string, i: number, dialect: DialectName): number | undefined {
  const c = sql[i];
  const next = sql[i + 1];
  const previous = i > 0 ? sql[i - 1]! : '';
  if (c === '-' && next === '-') {
    const nl = sql.indexOf('\n', i);
    return nl === -1 ? sql.length : nl + 1;
  }
  if (c === '/' && next === '*') return blockCommentEnd(sql, i);
  if (c === '"') return closing(sql, i + 1, '"', false);
  if (c === "'") {
    const escapePrefix = /[eE]/.test(previous) && (i < 2 || !IDENT_CHAR.test(sql[i - 2]!));
    return closing(sql, i + 1, "'", dialect === 'redshift' || escapePrefix);
  }
  if (c === '$' && !IDENT_CHAR.test(previous)) {
    const tag = DOLLAR_TAG.exec(sql.slice(i))?.[0];
    if (tag === undefined) return undefined;
    const close = sql.indexOf(tag, i + tag.length);
    return close === -1 ? sql.length : close + tag.length;
  }
  return undefined;
}

/** The end of a quoted run opened just before `from`: a doubled quote stays inside it. */
function closing(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let j = from;
  while (j < sql.length) {
    const c = sql[j];
    if (backslashEscapes && c === '\\') {
      j += 2;
    } else if (c === quote) {
      if (sql[j + 1] !== quote) return j + 1;
      j += 2;
    } else {
      j += 1;
    }
  }
  return sql.length;
}

/** Block comments nest in both engines. */
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
