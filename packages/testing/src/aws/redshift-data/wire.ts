import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error the Data API answers with, in AWS JSON 1.1's shape. */
export class ApiError extends Error {
  constructor(
    readonly type: 'ValidationException' | 'ResourceNotFoundException' | 'UnknownOperationException' | 'SerializationException' | 'InternalServerException',
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get status(): number {
    if (this.type === 'ResourceNotFoundException') return 404;
    if (this.type === 'InternalServerException') return 500;
    return 400;
  }
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a JSON 1.1 body; `json` is already serialized so that 64-bit integers keep their digits. */
export function sendJson(response: ServerResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(json);
}

export function sendError(response: ServerResponse, error: ApiError): void {
  const body = JSON.stringify({ __type: `com.amazonaws.redshiftdata#${error.type}`, Message: error.message, ...error.extra });
  sendJson(response, error.status, body, { 'x-amzn-errortype': error.type });
}

/** AWS JSON timestamps: seconds since the epoch. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** Reads an optional string member, refusing any other type as the service does. */
export function optionalString(body: Record<string, unknown>, member: string): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ApiError('SerializationException', `${member} must be a string`);
  return value;
}

export function requiredString(body: Record<string, unknown>, member: string): string {
  const value = optionalString(body, member);
  if (value === undefined || value === '') throw new ApiError('ValidationException', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return value;
}
