import { redshiftTokens } from './redshift-tokens.js';

/** A Data API parameter as it arrives on the wire: a name and a non-empty text value. */
export interface SqlParameter {
  name: string;
  value: string;
}

/**
 * Rewrites the Data API's `:name` parameters to PostgreSQL's `$n`, returning the values in
 * placeholder order. The values go to PostgreSQL untyped, so it infers each from its context,
 * as Redshift converts parameter text implicitly. Names outside code (in literals, quoted
 * identifiers, comments) and `::` casts are left alone.
 */
export function bindNamedParameters(sql: string, parameters: readonly SqlParameter[]): { text: string; values: string[]; used: Set<string> } {
  const byName = new Map(parameters.map((p) => [p.name, p.value]));
  const order = new Map<string, number>();
  const values: string[] = [];
  const text = redshiftTokens(sql)
    .map((t) => {
      if (t.type !== 'param') return t.text;
      const name = t.text.slice(1);
      const value = byName.get(name);
      if (value === undefined) throw new ParameterError(`The SQL references parameter :${name}, which the request does not provide.`);
      let n = order.get(name);
      if (n === undefined) {
        values.push(value);
        n = values.length;
        order.set(name, n);
      }
      return `$${n}`;
    })
    .join('');
  return { text, values, used: new Set(order.keys()) };
}

/** The request's parameters do not fit its SQL; the Data API answers ValidationException. */
export class ParameterError extends Error {
  override readonly name = 'ParameterError';
}

/** Names a request provides but no statement of it references, which the Data API refuses. */
export function unusedParameters(parameters: readonly SqlParameter[], sqls: readonly string[]): string[] {
  const used = new Set<string>();
  for (const sql of sqls) for (const t of redshiftTokens(sql)) if (t.type === 'param') used.add(t.text.slice(1));
  return parameters.map((p) => p.name).filter((name) => !used.has(name));
}
