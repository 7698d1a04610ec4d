import type { DialectName } from '../types/dialect-name.js';
import { sqlSegments } from './sql-segments.js';

// `$n` not glued to a preceding identifier character (`a$1` is an identifier in both engines).
const PLACEHOLDER = /(?<![A-Za-z0-9_$\u0080-\uffff])\$(\d+)(?!\d)/g;

/**
 * Rewrites every `$n` placeholder of `sql` with `replace(n)`, leaving string literals, quoted
 * identifiers, dollar-quoted bodies and comments untouched: a `$1` written inside a value is
 * text, not a placeholder.
 */
export function replacePlaceholders(sql: string, dialect: DialectName, replace: (n: number) => string): string {
  return sqlSegments(sql, dialect)
    .map((s) => (s.kind === 'code' ? s.text.replace(PLACEHOLDER, (_m, n: string) => replace(Number(n))) : s.text))
    .join('');
}
