import {
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  type GetSecretValueCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { SecretError } from '../errors/secret-error.js';
import { SecretsManagerProvider } from './secrets-manager-provider.js';

// Sequences moto's server cannot produce on demand: throttling, AccessDenied, network
// failures, and requests held open to observe concurrency and cancellation.

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dw-AbCdEf';

function awsError(name: string, fault: 'client' | 'server', extra: Record<string, unknown> = {}) {
  return Object.assign(
    new SecretsManagerServiceException({ name, $fault: fault, $metadata: { httpStatusCode: fault === 'client' ? 400 : 500 }, message: `${name} from AWS` }),
    extra,
  );
}

function secretResponse(password: string): GetSecretValueCommandOutput {
  return { ARN, SecretString: JSON.stringify({ host: 'dw', password }), $metadata: {} };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function errorOf(promise: Promise<unknown>): Promise<SecretError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SecretError);
  return err as SecretError;
}

function setup(ttlMs = 60_000) {
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const mock = mockClient(client);
  let clock = 0;
  const provider = new SecretsManagerProvider({ secretId: ARN, client, ttlMs, now: () => clock });
  return { mock, provider, advance: (ms: number) => (clock += ms) };
}

describe('SecretsManagerProvider errors', () => {
  it('maps AccessDenied to a non-retryable error that names the ARN and the permission', async () => {
    const { mock, provider } = setup();
    mock.on(GetSecretValueCommand).rejects(awsError('AccessDeniedException', 'client'));
    const err = await errorOf(provider.get());
    expect(err).toMatchObject({ code: 'E_SECRET_ACCESS_DENIED', retryable: false });
    expect(err.message).toContain(ARN);
    expect(err.message).toContain('secretsmanager:GetSecretValue');
    expect((err.cause as Error).name).toBe('AccessDeniedException');
  });

  it('maps throttling to a retryable error', async () => {
    const { mock, provider } = setup();
    mock.on(GetSecretValueCommand).rejects(awsError('ThrottlingException', 'client', { $retryable: { throttling: true } }));
    expect(await errorOf(provider.get())).toMatchObject({ code: 'E_SECRET_UNAVAILABLE', retryable: true });
  });

  it('maps server faults and network failures to retryable errors', async () => {
    const { mock, provider } = setup();
    mock.on(GetSecretValueCommand).rejectsOnce(awsError('InternalServiceError', 'server')).rejectsOnce(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(await errorOf(provider.get())).toMatchObject({ code: 'E_SECRET_UNAVAILABLE', retryable: true });
    const network = await errorOf(provider.get());
    expect(network).toMatchObject({ code: 'E_SECRET_UNAVAILABLE', retryable: true });
    expect(network.message).toContain('AWS_ENDPOINT_URL_SECRETS_MANAGER');
  });

  it('maps missing AWS credentials and other rejected requests to non-retryable errors', async () => {
    const { mock, provider } = setup();
    mock
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }))
      .rejectsOnce(awsError('InvalidRequestException', 'client'));
    expect(await errorOf(provider.get())).toMatchObject({ code: 'E_SECRET_AWS_CREDENTIALS', retryable: false });
    expect(await errorOf(provider.get())).toMatchObject({ code: 'E_SECRET_REQUEST', retryable: false });
  });

  it('reports a secret with neither string nor binary as malformed', async () => {
    const { mock, provider } = setup();
    mock.on(GetSecretValueCommand).resolves({ ARN, $metadata: {} });
    expect(await errorOf(provider.get())).toMatchObject({ code: 'E_SECRET_FORMAT', retryable: false });
  });
});

describe('SecretsManagerProvider concurrency', () => {
  it('lets concurrent callers share one request', async () => {
    const { mock, provider } = setup();
    const response = deferred<GetSecretValueCommandOutput>();
    mock.on(GetSecretValueCommand).callsFake(() => response.promise);

    const gets = [provider.get(), provider.get(), provider.get({ forceRefresh: true })];
    response.resolve(secretResponse('shared'));

    expect((await Promise.all(gets)).map((creds) => creds.password)).toEqual(['shared', 'shared', 'shared']);
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('lets one caller give up without failing the others', async () => {
    const { mock, provider } = setup();
    const response = deferred<GetSecretValueCommandOutput>();
    mock.on(GetSecretValueCommand).callsFake(() => response.promise);
    const impatient = new AbortController();

    const abandoned = provider.get({ signal: impatient.signal });
    const patient = provider.get();
    impatient.abort(new Error('stop waiting'));
    response.resolve(secretResponse('p'));

    await expect(abandoned).rejects.toThrow('stop waiting');
    await expect(patient).resolves.toMatchObject({ password: 'p' });
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('cancels the request when every caller has given up, and starts afresh on the next get', async () => {
    const { mock, provider } = setup();
    const first = deferred<GetSecretValueCommandOutput>();
    mock.on(GetSecretValueCommand).callsFakeOnce(() => first.promise).resolves(secretResponse('second'));
    const controller = new AbortController();

    const abandoned = provider.get({ signal: controller.signal });
    controller.abort(new Error('shutting down'));
    await expect(abandoned).rejects.toThrow('shutting down');

    await expect(provider.get()).resolves.toMatchObject({ password: 'second' });
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    const [, sendOptions] = mock.commandCalls(GetSecretValueCommand)[0]?.args as unknown[];
    expect(sendOptions).toMatchObject({ abortSignal: { aborted: true } });
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { mock, provider } = setup();
    await expect(provider.get({ signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late');
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('after invalidate() does not reuse a request that started before it', async () => {
    const { mock, provider } = setup();
    const stale = deferred<GetSecretValueCommandOutput>();
    mock.on(GetSecretValueCommand).callsFakeOnce(() => stale.promise).resolves(secretResponse('fresh'));

    const before = provider.get();
    provider.invalidate();
    const after = provider.get();
    stale.resolve(secretResponse('stale'));

    await expect(before).resolves.toMatchObject({ password: 'stale' });
    await expect(after).resolves.toMatchObject({ password: 'fresh' });
    // The stale answer was not cached over the fresh one.
    await expect(provider.get()).resolves.toMatchObject({ password: 'fresh' });
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('hands out copies, so a caller cannot change the cached credentials', async () => {
    const { mock, provider } = setup();
    mock.on(GetSecretValueCommand).resolves(secretResponse('p'));
    const creds = await provider.get();
    creds.password = 'changed';
    await expect(provider.get()).resolves.toMatchObject({ password: 'p' });
  });
});
