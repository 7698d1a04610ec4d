import { ConfigError, PipelineError } from '@pipeline/core';
import { AdmissionBusyError, RunIdError, RunNotFoundError, RunStateError, BackfillError } from '@pipeline/runs';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { LogNotFoundError, PipelineNotFoundError, UnauthorizedError } from './server-errors.js';
import { problem, type Problem } from './problem.js';

function validationProblem(error: { validation: { instancePath: string; message?: string }[]; validationContext?: string }, instance: string): Problem {
  const where = error.validationContext ?? 'request';
  const errors = error.validation.map((v) => ({
    path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
    message: v.message ?? 'invalid',
  }));
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return problem(400, `the request is invalid: ${detail}`, instance, { code: 'E_USAGE', errors });
}

/**
 * Maps any error to the problem returned. Our errors keep their message (written for the user
 * and free of secrets); anything else becomes a generic 500 so that no driver message, stack or
 * connection string reaches a client. The caller logs the original.
 */
export function toProblem(error: unknown, instance: string): Problem {
  if (hasZodFastifySchemaValidationErrors(error)) return validationProblem(error, instance);
  if (error instanceof UnauthorizedError) return problem(401, error.message, instance, { code: error.code });
  if (error instanceof PipelineNotFoundError || error instanceof RunNotFoundError || error instanceof LogNotFoundError) {
    return problem(404, error.message, instance, { code: error.code });
  }
  if (error instanceof RunStateError || error instanceof AdmissionBusyError) return problem(409, error.message, instance, { code: error.code });
  if (error instanceof ConfigError || error instanceof RunIdError || error instanceof BackfillError) {
    return problem(400, error.message, instance, { code: error.code });
  }
  if (error instanceof PipelineError) return problem(500, `the request failed (${error.code}); the server log has the details`, instance, { code: error.code });
  const status = (error as { statusCode?: unknown }).statusCode;
  // Fastify's own client errors (malformed JSON, wrong content type, body too large) say what was wrong.
  if (typeof status === 'number' && status >= 400 && status < 500) return problem(status, (error as Error).message, instance);
  return problem(500, 'the request failed unexpectedly; the server log has the details', instance);
}
