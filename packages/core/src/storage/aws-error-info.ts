interface AwsErrorShape {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError', 'AbortError']);

/** What an AWS SDK error says about itself, read without trusting its shape. */
export interface AwsErrorInfo {
  name: string;
  message: string;
  status: number | undefined;
  throttling: boolean;
  /** Throttling, a server fault or no answer at all: the same request may pass later. */
  transient: boolean;
}

export function awsErrorInfo(err: unknown): AwsErrorInfo {
  const shape = (typeof err === 'object' && err !== null ? err : {}) as AwsErrorShape & { code?: unknown };
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const message = typeof shape.message === 'string' ? shape.message : String(err);
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const throttling = THROTTLING.has(name) || shape.$retryable?.throttling === true || status === 429;
  const networkCode = typeof shape.code === 'string' && NETWORK.has(shape.code);
  const transient = throttling || shape.$fault === 'server' || (status !== undefined && status >= 500) || NETWORK.has(name) || networkCode;
  return { name, message, status, throttling, transient };
}
