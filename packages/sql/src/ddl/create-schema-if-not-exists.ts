import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { quoteIdent } from '../identifiers/quote-ident.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';

export function createSchemaIfNotExists(d: DialectHooks, schema: string): Statement {
  return statementOf(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema, d.name, 'schema')}`);
}
