import { defaultMapType } from '../../ddl/default-map-type.js';
import type { LogicalType } from '../../types/logical-type.js';

/**
 * Redshift has no unbounded text or bytea: strings become the widest VARCHAR (65535 bytes) and
 * binary the widest VARBYTE every current Redshift accepts. Other kinds share PostgreSQL's names.
 */
export function redshiftMapType(t: LogicalType): string {
  if (t?.kind === 'string') return 'varchar(65535)';
  if (t?.kind === 'binary') return 'varbyte(1024000)';
  return defaultMapType(t);
}
