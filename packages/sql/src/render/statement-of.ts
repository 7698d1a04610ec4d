import type { Statement } from '../types/statement.js';

/** A statement with its bound values (none by default). */
export function statementOf(sql: string, params: unknown[] = []): Statement {
  return { sql, params };
}
