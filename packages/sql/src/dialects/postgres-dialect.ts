import type { SqlDialect } from '../types/sql-dialect.js';
import { createDialect } from './create-dialect.js';
import { defaultHooks } from './default-hooks.js';

/** PostgreSQL 15+: the defaults, unchanged. */
export const postgresDialect: SqlDialect = createDialect({ ...defaultHooks, name: 'postgres' });
