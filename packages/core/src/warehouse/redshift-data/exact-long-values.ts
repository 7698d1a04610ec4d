import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';

type Middleware = Parameters<RedshiftDataClient['middlewareStack']['addRelativeTo']>[0];
type Handler = (args: unknown) => Promise<{ response: unknown }>;

const NAME = 'pipelineExactLongValues';

// A `longValue` member of a Field object: the key right after `{` or `,`, so that text inside a
// JSON string (whose quotes are escaped) never matches.
const LONG_VALUE = /([{,]\s*"longValue"\s*:\s*)(-?\d+)(?=\s*[,}])/g;

/**
 * Rewrites every `longValue` beyond ±2^53 in a GetStatementResult body into a JSON string of
 * its digits. The SDK parses numbers as doubles, so a 64-bit integer above 2^53 would otherwise
 * arrive rounded; as a string it passes through unchanged and is read as the digits it was.
 */
export function quoteUnsafeLongValues(json: string): string {
  return json.replace(LONG_VALUE, (whole, prefix: string, digits: string) => (Number.isSafeInteger(Number(digits)) ? whole : `${prefix}"${digits}"`));
}

/**
 * Adds to the client a step, between receiving and parsing a GetStatementResult response, that
 * applies {@link quoteUnsafeLongValues}. Idempotent: a client already carrying it is returned as is.
 */
export function withExactLongValues(client: RedshiftDataClient): RedshiftDataClient {
  if (client.middlewareStack.identify().some((entry) => entry.startsWith(NAME))) return client;
  const middleware = (next: Handler, context: { commandName?: string }): Handler => async (args) => {
    const result = await next(args);
    const response = result.response as { statusCode?: number; body?: unknown };
    if (context.commandName !== 'GetStatementResultCommand' || response.statusCode !== 200 || response.body === undefined) return result;
    response.body = Buffer.from(quoteUnsafeLongValues((await collect(response.body)).toString('utf8')), 'utf8');
    return result;
  };
  client.middlewareStack.addRelativeTo(middleware as unknown as Middleware, { relation: 'after', toMiddleware: 'deserializerMiddleware', name: NAME });
  return client;
}

async function collect(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
