import { SecretError } from '../errors/secret-error.js';

interface AwsErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const BAD_AWS_CREDENTIALS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
]);

/**
 * Turns an error from GetSecretValue into a SecretError whose code and `retryable` say what
 * happened: a secret that is missing or forbidden will not appear by retrying; throttling,
 * server faults and network trouble may pass.
 */
export function secretsManagerError(err: unknown, secret: string): SecretError {
  const shape = (typeof err === 'object' && err !== null ? err : {}) as AwsErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const fail = (code: string, retryable: boolean, message: string) => new SecretError(message, { code, retryable, cause: err });

  if (name === 'ResourceNotFoundException') {
    return fail(
      'E_SECRET_NOT_FOUND',
      false,
      `AWS Secrets Manager has no secret ${secret} in this account and region. Check the secret ARN (PIPELINE_SECRET_ARN) and AWS_REGION, or create the secret.`,
    );
  }
  if (name === 'AccessDeniedException') {
    return fail(
      'E_SECRET_ACCESS_DENIED',
      false,
      `Access to secret ${secret} was denied. Grant the role the pipeline runs as secretsmanager:GetSecretValue on this secret, and kms:Decrypt on its KMS key.`,
    );
  }
  if (name === 'DecryptionFailure') {
    return fail(
      'E_SECRET_ACCESS_DENIED',
      false,
      `Secret ${secret} could not be decrypted with its KMS key. Grant the role the pipeline runs as kms:Decrypt on that key.`,
    );
  }
  if (BAD_AWS_CREDENTIALS.has(name)) {
    return fail(
      'E_SECRET_AWS_CREDENTIALS',
      false,
      `No valid AWS credentials to read secret ${secret} (${name}). Run with an instance or task role, or set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
    );
  }
  if (THROTTLING.has(name) || shape.$retryable?.throttling === true) {
    return fail('E_SECRET_UNAVAILABLE', true, `AWS Secrets Manager throttled the read of secret ${secret}. Retry later.`);
  }
  if (shape.$fault === 'server' || (status !== undefined && status >= 500)) {
    return fail('E_SECRET_UNAVAILABLE', true, `AWS Secrets Manager failed to serve secret ${secret} (${name}). Retry later.`);
  }
  if (status !== undefined || shape.$fault === 'client') {
    return fail('E_SECRET_REQUEST', false, `AWS Secrets Manager rejected the read of secret ${secret} (${name}). See the cause for what it objected to.`);
  }
  // No response at all: the network, DNS or the endpoint. Retrying may help, and the hint
  // covers the settings that most often point the client at the wrong place.
  return fail(
    'E_SECRET_UNAVAILABLE',
    true,
    `Could not reach AWS Secrets Manager to read secret ${secret} (${describeCause(name, shape.code)}). Check network access, AWS_REGION and AWS_ENDPOINT_URL_SECRETS_MANAGER.`,
  );
}

function describeCause(name: string, code: unknown): string {
  return typeof code === 'string' && code !== name ? `${name} ${code}` : name;
}
