import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretError } from '../errors/secret-error.js';
import { createLogger } from './create-logger.js';
import { withLogScope } from './log-scope.js';
import { REDACTED, registerSecret } from './redactor.js';

function capture() {
  const lines: string[] = [];
  return {
    destination: { write: (line: string) => void lines.push(line) },
    text: () => lines.join(''),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const freshSecret = () => `Pw-${randomBytes(8).toString('hex')}`;

describe('createLogger', () => {
  it('never writes a registered secret, wherever it appears', () => {
    const secret = freshSecret();
    registerSecret(secret);
    const out = capture();
    const logger = createLogger({ destination: out.destination, level: 'debug' });

    logger.info({ note: `value ${secret}`, nested: { deeper: [{ text: secret }] } }, 'object fields');
    logger.info(`message with ${secret}`);
    logger.info('interpolated %s and %j', secret, { inner: secret });
    logger.error(new Error(`login failed with ${secret}`));
    logger.error({ err: new SecretError('outer', { cause: new Error(`inner ${secret}`) }) }, 'wrapped');
    logger.warn({ failure: new Error(secret) }, 'error under another key');
    withLogScope(logger, { runId: 'r1' }).child({ binding: secret }).info('from a child');

    const text = out.text();
    expect(text).not.toContain(secret);
    expect(text).toContain(REDACTED);
    expect(out.records()).toHaveLength(7);
  });

  it('redacts sensitive top-level keys of child-logger bindings, even values never registered', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination, level: 'info' });
    logger.child({ password: 'not-registered-1', api_key: 'not-registered-2', runId: 'r9' }).info('bound');
    const [record] = out.records();
    expect(record).toMatchObject({ password: REDACTED, api_key: REDACTED, runId: 'r9' });
    expect(out.text()).not.toMatch(/not-registered/);
  });

  it('replaces values under sensitive keys at any depth, in any spelling', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    const token = freshSecret();

    logger.info({
      password: 'p-top-level',
      db: { password: 'p-one-level' },
      config: { warehouse: { Password: 'p-deep', DB_PASSWORD: 'p-snake' } },
      headers: { authorization: `Bearer ${token}`, 'x-api-key': 'k-header' },
      secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dw-AbCdEf',
    });

    const [record] = out.records();
    expect(record).toMatchObject({
      password: REDACTED,
      db: { password: REDACTED },
      config: { warehouse: { Password: REDACTED, DB_PASSWORD: REDACTED } },
      headers: { authorization: REDACTED, 'x-api-key': REDACTED },
      secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dw-AbCdEf',
    });
    expect(out.text()).not.toMatch(/p-top-level|p-one-level|p-deep|p-snake|k-header/);
    expect(out.text()).not.toContain(token);
  });

  it('masks passwords in URLs given as strings, URL objects, messages and error causes', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });

    logger.info({ url: 'postgres://loader:url-pass-1@db:5432/dw' }, 'as a string');
    logger.info({ url: new URL('postgres://loader:url-pass-2@db:5432/dw') }, 'as a URL object');
    logger.info('connecting to postgres://loader:url-pass-3@db:5432/dw');
    logger.error(
      { err: new Error('could not connect', { cause: new Error('postgres://loader:url-pass-4@db/dw refused') }) },
      'cause chain',
    );
    logger.info({ dsn: 'host=db user=loader password=kv-pass dbname=dw' }, 'keyword/value');

    expect(out.text()).not.toMatch(/url-pass-\d|kv-pass/);
    const [first, second, third, fourth, fifth] = out.records();
    expect(first?.url).toBe('postgres://loader:***@db:5432/dw');
    expect(second?.url).toBe('postgres://loader:***@db:5432/dw');
    expect(third?.msg).toBe('connecting to postgres://loader:***@db:5432/dw');
    expect((fourth?.err as { cause: { message: string } }).cause.message).toBe('postgres://loader:***@db/dw refused');
    expect(fifth?.dsn).toBe('host=db user=loader password=*** dbname=dw');
  });

  it('serializes errors with their code, retryability and cause chain', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    const cause = Object.assign(new Error('password authentication failed'), { code: '28P01' });

    logger.error({ err: new SecretError('could not log in', { code: 'E_SECRET_X', retryable: true, cause }) }, 'failed');

    const [record] = out.records();
    expect(record?.err).toMatchObject({
      name: 'SecretError',
      code: 'E_SECRET_X',
      retryable: true,
      message: 'could not log in',
      cause: { name: 'Error', code: '28P01', message: 'password authentication failed' },
    });
  });

  it('writes scope fields from child loggers on every line', () => {
    const out = capture();
    const logger = withLogScope(createLogger({ destination: out.destination, name: 'worker' }), {
      runId: 'run-1',
      pipelineId: 'users',
      loadId: 'users',
      phase: 'merge',
      externalId: undefined,
    });

    logger.info('merged');

    expect(out.records()[0]).toMatchObject({ name: 'worker', runId: 'run-1', pipelineId: 'users', loadId: 'users', phase: 'merge', msg: 'merged' });
    expect(out.records()[0]).not.toHaveProperty('externalId');
  });

  it('honours the level', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination, level: 'warn' });
    logger.info('dropped');
    logger.warn('kept');
    expect(out.records().map((record) => record.msg)).toEqual(['kept']);
  });

  it('redacts before pretty-printing', async () => {
    const secret = freshSecret();
    registerSecret(secret);
    const chunks: string[] = [];
    const { Writable } = await import('node:stream');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ destination: sink, pretty: true });

    logger.info({ password: 'pretty-pass' }, `pretty ${secret}`);

    const text = chunks.join('');
    expect(text).toContain('pretty');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('pretty-pass');
  });
});
