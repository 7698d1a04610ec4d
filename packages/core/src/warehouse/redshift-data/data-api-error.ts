import { PipelineError } from '../../errors/pipeline-error.js';
import { awsErrorInfo } from '../../storage/aws-error-info.js';

export type DataApiErrorCode = 'E_DATA_API_REQUEST' | 'E_DATA_API_ACCESS' | 'E_DATA_API_UNAVAILABLE';

/**
 * A Redshift Data API call failed before any SQL ran or could be judged: the request was
 * refused, the caller lacks access, or the service was unavailable after the SDK's own retries.
 */
export class DataApiError extends PipelineError {
  readonly code: DataApiErrorCode;
  override readonly retryable: boolean;
  /** The API operation, e.g. `ExecuteStatement`. */
  readonly operation: string;

  constructor(code: DataApiErrorCode, operation: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
    this.operation = operation;
    this.retryable = code === 'E_DATA_API_UNAVAILABLE';
  }
}

const ACCESS = new Set([
  'AccessDeniedException',
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
]);
const BUSY = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'ActiveWaitingRequestsExceededException',
  'DatabaseConnectionException',
  'ExecuteStatementException',
  'BatchExecuteStatementException',
  'InternalServerException',
]);

/** Classifies an SDK error of one Data API call; the cause keeps the SDK error itself. */
export function dataApiError(err: unknown, operation: string): DataApiError {
  if (err instanceof DataApiError) return err;
  const { name, message: text, status, throttling } = awsErrorInfo(err);
  const clientFault = typeof err === 'object' && err !== null && (err as { $fault?: unknown }).$fault === 'client';
  const serverFault = typeof err === 'object' && err !== null && (err as { $fault?: unknown }).$fault === 'server';
  const fail = (code: DataApiErrorCode, advice: string) => new DataApiError(code, operation, `Redshift Data API ${operation} failed (${name}: ${text}). ${advice}`, { cause: err });

  if (ACCESS.has(name)) {
    return fail('E_DATA_API_ACCESS', 'Give the role the pipeline runs as redshift-data:* on the workgroup or cluster, and secretsmanager:GetSecretValue on the secret (or redshift:GetClusterCredentials / redshift-serverless:GetCredentials).');
  }
  if (BUSY.has(name) || throttling || serverFault || (status !== undefined && status >= 500)) {
    return fail('E_DATA_API_UNAVAILABLE', 'The service was busy or failing after the client retried; the phase is retried later.');
  }
  if (status !== undefined || clientFault) {
    return fail('E_DATA_API_REQUEST', 'Check the workgroup or cluster, the database, the secret ARN or database user, and the SQL.');
  }
  return fail('E_DATA_API_UNAVAILABLE', 'No answer from the service: check network access, AWS_REGION and AWS_ENDPOINT_URL_REDSHIFT_DATA.');
}
