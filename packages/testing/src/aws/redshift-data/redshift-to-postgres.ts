import { literalValue, redshiftTokens, type Token } from './redshift-tokens.js';

/**
 * One Redshift-only construct and how the stand-in writes it for PostgreSQL. A `word` is a
 * keyword or type name standing alone (an optional parenthesised length after it is dropped);
 * a `call` is a function call whose arguments (already translated) are rewritten.
 */
export type Translation =
  | { kind: 'word'; name: string; dropsLength?: boolean; to: string; example: [redshift: string, postgres: string] }
  | { kind: 'call'; name: string; to: (args: string[], argTokens: Token[][]) => string; example: [redshift: string, postgres: string] };

/**
 * Everything the SQL generator emits for Redshift that PostgreSQL reads differently, and only
 * that: the rest of what it emits (MERGE, DELETE … USING, LOCK, CREATE TABLE … (LIKE …),
 * `varchar(65535)`, `timestamptz`, information_schema queries) PostgreSQL 15 runs as written.
 * Unit-tested entry by entry through `example`.
 */
export const REDSHIFT_TO_POSTGRES: readonly Translation[] = [
  // Semi-structured column type; jsonb keeps JSON values and compares them by value.
  { kind: 'word', name: 'SUPER', to: 'jsonb', example: ['"checks" SUPER', '"checks" jsonb'] },
  // The transaction's start time; now() is the same instant in PostgreSQL.
  { kind: 'word', name: 'SYSDATE', to: 'now()', example: ['DEFAULT SYSDATE', 'DEFAULT now()'] },
  // Variable-length binary; bytea has no length limit to carry.
  { kind: 'word', name: 'VARBYTE', dropsLength: true, to: 'bytea', example: ['"c" varbyte(1024000)', '"c" bytea'] },
  { kind: 'call', name: 'JSON_PARSE', to: ([text]) => `CAST(${text} AS jsonb)`, example: ['JSON_PARSE($12)', 'CAST($12 AS jsonb)'] },
  { kind: 'call', name: 'FROM_HEX', to: ([hex]) => `decode(${hex}, 'hex')`, example: ["FROM_HEX('00ff')", "decode('00ff', 'hex')"] },
  {
    kind: 'call',
    name: 'FROM_VARBYTE',
    to: ([bytes, format], tokens) => {
      const f = literalValue(significant(tokens[1] ?? [])[0] ?? { type: 'space', text: '' })?.toLowerCase();
      if (f === 'utf8' || f === 'utf-8' || f === 'utf_8') return `convert_from(${bytes}, 'UTF8')`;
      if (f === 'hex') return `encode(${bytes}, 'hex')`;
      if (f === 'base64') return `encode(${bytes}, 'base64')`;
      throw new TranslationError(`FROM_VARBYTE format ${format ?? '(none)'} is not supported by the stand-in`);
    },
    example: ["FROM_VARBYTE(FROM_HEX('6869'), 'utf8')", "convert_from(decode('6869', 'hex'), 'UTF8')"],
  },
  {
    // Redshift counts the second boundaries crossed between the two timestamps.
    kind: 'call',
    name: 'DATEDIFF',
    to: ([unit, from, to]) => {
      if (unit?.trim().toLowerCase() !== 'second' && unit?.trim().toLowerCase() !== 'seconds') {
        throw new TranslationError(`DATEDIFF(${unit ?? ''}, …) is not supported by the stand-in; only second`);
      }
      return `CAST(EXTRACT(EPOCH FROM date_trunc('second', CAST(${to} AS timestamptz)) - date_trunc('second', CAST(${from} AS timestamptz))) AS bigint)`;
    },
    example: [
      'DATEDIFF(second, MAX("t"), CAST($1 AS timestamptz))',
      `CAST(EXTRACT(EPOCH FROM date_trunc('second', CAST(CAST($1 AS timestamptz) AS timestamptz)) - date_trunc('second', CAST(MAX("t") AS timestamptz))) AS bigint)`,
    ],
  },
];

/** A Redshift construct the stand-in does not translate; the statement fails with this text. */
export class TranslationError extends Error {
  override readonly name = 'TranslationError';
}

const BY_NAME = new Map(REDSHIFT_TO_POSTGRES.map((t) => [t.name, t]));

/** Redshift SQL rewritten for PostgreSQL by {@link REDSHIFT_TO_POSTGRES}; quoted text is never touched. */
export function redshiftToPostgres(sql: string): string {
  return translateTokens(redshiftTokens(sql));
}

function translateTokens(tokens: Token[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const rule = token.type === 'word' ? BY_NAME.get(token.text.toUpperCase()) : undefined;
    const open = nextSignificant(tokens, i + 1);
    const hasArgs = open !== undefined && tokens[open]!.text === '(';
    if (rule?.kind === 'word') {
      out += rule.to;
      if (rule.dropsLength && hasArgs) i = closingParen(tokens, open);
    } else if (rule?.kind === 'call' && hasArgs) {
      const close = closingParen(tokens, open);
      const argTokens = splitArgs(tokens.slice(open + 1, close));
      out += rule.to(argTokens.map((a) => translateTokens(a).trim()), argTokens);
      i = close;
    } else {
      out += token.text;
    }
  }
  return out;
}

function nextSignificant(tokens: Token[], from: number): number | undefined {
  for (let j = from; j < tokens.length; j++) if (tokens[j]!.type !== 'space') return j;
  return undefined;
}

function significant(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.type !== 'space');
}

function closingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const text = tokens[j]!.type === 'punct' ? tokens[j]!.text : '';
    if (text === '(') depth += 1;
    if (text === ')' && --depth === 0) return j;
  }
  throw new TranslationError('unbalanced parentheses');
}

function splitArgs(tokens: Token[]): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.type === 'punct' && t.text === '(') depth += 1;
    if (t.type === 'punct' && t.text === ')') depth -= 1;
    if (t.type === 'punct' && t.text === ',' && depth === 0) args.push([]);
    else args[args.length - 1]!.push(t);
  }
  return args;
}
