import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An error the service answers with: HTTP 400 and `{"__type": name, "message": …}`, as AWS JSON 1.1 services do. */
export class ServiceFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type Handler = (input: Record<string, unknown>) => unknown;

export interface JsonRpcServer {
  endpoint: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, body: unknown, type?: string): void {
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': randomUUID(),
    ...(type ? { 'x-amzn-errortype': type } : {}),
  });
  response.end(JSON.stringify(body));
}

/**
 * An HTTP server speaking the AWS JSON 1.1 protocol: `POST /` with `X-Amz-Target: <prefix>.<Op>`
 * and a JSON body, answered by `handlers[Op]`. Requests are not signature-checked.
 */
export async function startJsonRpcServer(targetPrefix: string, handlers: Record<string, Handler>): Promise<JsonRpcServer> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(`${targetPrefix}.`) ? target.slice(targetPrefix.length + 1) : '';
      try {
        const handler = handlers[operation];
        if (request.method !== 'POST' || !handler) throw new ServiceFault('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
        const text = await readBody(request);
        const input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        reply(response, 200, (await handler(input)) ?? {});
      } catch (err) {
        if (err instanceof ServiceFault) reply(response, err.status, { __type: err.type, message: err.message }, err.type);
        else reply(response, 500, { __type: 'InternalServerError', message: (err as Error).message }, 'InternalServerError');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
