import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../errors/connection-error.js';
import { REDACTED, registerSecret } from './redactor.js';
import { serializeError } from './serialize-error.js';

describe('serializeError', () => {
  it('keeps name, code, retryable, typed fields and the cause chain, scrubbed', () => {
    const secret = `pw-${randomBytes(6).toString('hex')}`;
    registerSecret(secret);
    const root = Object.assign(new Error(`rejected ${secret}`), { code: '28P01', detail: `for ${secret}`, password: 'field-pass' });
    const err = new ConnectionError('warehouse', 'could not connect', { cause: root });

    const serialized = serializeError(err);

    expect(serialized).toMatchObject({
      name: 'ConnectionError',
      code: 'E_CONNECTION',
      retryable: true,
      service: 'warehouse',
      message: 'could not connect',
      cause: { name: 'Error', code: '28P01', message: `rejected ${REDACTED}`, detail: `for ${REDACTED}`, password: REDACTED },
    });
    expect(JSON.stringify(serialized)).not.toContain(secret);
    expect(serialized.cause?.stack).toContain(`rejected ${REDACTED}`);
  });

  it('leaves stacks out when asked', () => {
    expect(serializeError(new Error('x'), { stack: false })).not.toHaveProperty('stack');
  });

  it('stops at a cause chain that loops', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(serializeError(a).cause?.cause).toMatchObject({ name: 'Circular' });
  });

  it('lists the errors inside an AggregateError', () => {
    const err = new AggregateError([new Error('::1 refused'), new Error('127.0.0.1 refused')], '');
    expect(serializeError(err).errors?.map((inner) => inner.message)).toEqual(['::1 refused', '127.0.0.1 refused']);
  });

  it('accepts thrown values that are not errors', () => {
    expect(serializeError('postgres://u:pw12@h/db failed')).toEqual({ name: 'Error', message: 'postgres://u:***@h/db failed' });
    expect(serializeError({ password: 'p-obj', reason: 'x' })).toMatchObject({ name: 'NonError', value: { password: REDACTED, reason: 'x' } });
  });

  it('drops an SDK error raw HTTP response and keeps its metadata', () => {
    const err = Object.assign(new Error('denied'), { $response: { body: 'raw' }, $metadata: { httpStatusCode: 400, requestId: 'r-1' } });
    const serialized = serializeError(err);
    expect(serialized).not.toHaveProperty('$response');
    expect(serialized.$metadata).toEqual({ httpStatusCode: 400, requestId: 'r-1' });
  });
});
