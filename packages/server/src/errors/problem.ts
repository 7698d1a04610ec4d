import { STATUS_CODES } from 'node:http';
import { z } from 'zod';

/** RFC 9457 problem details: the body of every error response. */
export const problemSchema = z.object({
  type: z.string().describe('urn:pipeline:error:<code> (the code is listed in docs/errors.md), or about:blank'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().describe('The request path'),
  code: z.string().optional().describe('The error code listed in docs/errors.md'),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('One entry per invalid field'),
});

export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(status: number, detail: string, instance: string, extra: { code?: string; errors?: Problem['errors'] } = {}): Problem {
  const type = extra.code ? `urn:pipeline:error:${extra.code}` : 'about:blank';
  return { type, title: STATUS_CODES[status] ?? 'Error', status, detail, instance, ...extra };
}

/** Error responses every route may give, for the OpenAPI document. */
export const problemResponses = {
  400: problemSchema,
  401: problemSchema,
  404: problemSchema,
  409: problemSchema,
  500: problemSchema,
} as const;
