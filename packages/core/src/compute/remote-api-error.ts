import { awsErrorInfo } from '../storage/aws-error-info.js';
import { ComputeError } from './compute-error.js';

/** An error from an EMR or EMR Serverless call, as E_COMPUTE_API, retryable when the service was throttling, failing or unreachable. */
export function remoteApiError(service: 'emr' | 'emr-serverless', operation: string, err: unknown): ComputeError {
  const info = awsErrorInfo(err);
  const advice =
    info.name === 'AccessDeniedException' || info.status === 403
      ? ` Grant the role the worker runs as ${service === 'emr' ? 'elasticmapreduce' : 'emr-serverless'}:${operation}.`
      : info.transient
        ? ' Retried with the phase.'
        : '';
  return new ComputeError(service, `${service} ${operation} failed: ${info.name}: ${info.message.replace(/\.+$/, '')}.${advice}`, {
    code: 'E_COMPUTE_API',
    retryable: info.transient,
    cause: err,
  });
}

/** Whether the error is only throttling or a passing fault, worth another poll rather than failing the wait. */
export function isTransientApiError(err: unknown): boolean {
  return awsErrorInfo(err).transient;
}
