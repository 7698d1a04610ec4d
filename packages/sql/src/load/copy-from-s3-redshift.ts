import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { quoteColumns } from '../render/quote-columns.js';
import { quoteLiteral } from '../render/quote-literal.js';
import { statementOf } from '../render/statement-of.js';
import type { CopyFromS3Options } from '../types/copy-from-s3-options.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

// Redshift's COPY takes its source and role as literals, never as bound parameters, so they are
// held to strict patterns before being rendered: a bucket name, then S3's safe key characters.
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9!_.*'()\/=+,@:~-]*)?$/;
const IAM_ROLE_ARN = /^arn:aws[-a-z]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_\/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * `COPY … FROM 's3://…' IAM_ROLE '…' FORMAT AS …`. Parquet keeps NULL and empty strings
 * apart by itself; CSV relies on Redshift's CSV rules, so prefer Parquet when that matters.
 * REGION is refused with Parquet because Redshift rejects it there (the bucket must be in the
 * cluster's region).
 */
export function copyFromS3Redshift(d: DialectHooks, t: TableName, columns: string[], o: CopyFromS3Options): Statement {
  const table = quoteTable(t, d.name, 'copy.table');
  const cols = quoteColumns(columns, 'copy.columns', d.name);
  const uri = matching(o?.uri, S3_URI, 'copy.uri', 's3://bucket/key with S3-safe key characters');
  const role = matching(o.iamRole, IAM_ROLE_ARN, 'copy.iamRole', 'arn:aws:iam::<12-digit account>:role/<name>');
  if (o.format !== 'parquet' && o.format !== 'csv') {
    throw new SqlInputError('copy.format', `must be "parquet" or "csv", got ${JSON.stringify(o.format)}.`);
  }
  const lines = [
    `COPY ${table} (${cols.join(', ')})`,
    `FROM ${quoteLiteral(uri)}`,
    `IAM_ROLE ${quoteLiteral(role)}`,
    o.format === 'parquet' ? 'FORMAT AS PARQUET' : 'FORMAT AS CSV',
  ];
  if (o.manifest) lines.push('MANIFEST');
  if (o.region !== undefined) {
    if (o.format === 'parquet') {
      throw new SqlInputError('copy.region', 'Redshift rejects REGION for Parquet COPY; keep the bucket in the cluster region and drop region.');
    }
    lines.push(`REGION ${quoteLiteral(matching(o.region, REGION, 'copy.region', 'an AWS region such as eu-west-1'))}`);
  }
  return statementOf(lines.join('\n'));
}

function matching(value: unknown, pattern: RegExp, what: string, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new SqlInputError(what, `${JSON.stringify(value)} is not ${expected}.`);
  }
  return value;
}
