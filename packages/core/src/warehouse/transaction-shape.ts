import type { Statement } from '@pipeline/sql';

const BEGIN = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
const COMMIT = /^\s*(COMMIT|END)\b/i;

/**
 * Splits a transaction list into its body, checking it is framed by BEGIN … COMMIT and holds no
 * other transaction control: a stray COMMIT in the middle would publish half a load.
 */
export function transactionBody(statements: Statement[]): Statement[] {
  const first = statements[0];
  const last = statements[statements.length - 1];
  if (statements.length < 2 || !first || !last || !BEGIN.test(first.sql) || !COMMIT.test(last.sql)) {
    throw new TypeError('a transaction must start with BEGIN and end with COMMIT');
  }
  const body = statements.slice(1, -1);
  const stray = body.find((s) => BEGIN.test(s.sql) || COMMIT.test(s.sql) || /^\s*(ROLLBACK|TRUNCATE)\b/i.test(s.sql));
  if (stray) throw new TypeError(`transaction control or TRUNCATE inside a transaction body: ${stray.sql.slice(0, 60)}`);
  return body;
}
