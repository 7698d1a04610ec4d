import { SqlUnsupportedError } from '../../errors/sql-unsupported-error.js';
import type { DialectHooks } from '../dialect-hooks.js';

/** Redshift's COPY reads from S3 (or DynamoDB, EMR, SSH), never from the client connection. */
export function redshiftCopyFromStdin(d: DialectHooks): never {
  throw new SqlUnsupportedError(
    'copyFromStdin',
    d.name,
    "Redshift loads files with COPY … FROM 's3://…'; upload them to S3 and use copyFromS3.",
  );
}
