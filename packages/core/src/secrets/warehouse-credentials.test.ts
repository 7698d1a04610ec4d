import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretError } from '../errors/secret-error.js';
import { REDACTED, redactText } from '../logging/index.js';
import { parseWarehouseSecret } from './warehouse-credentials.js';

const password = () => `pw-${randomBytes(8).toString('hex')}`;

function formatErrorOf(text: string): SecretError {
  try {
    parseWarehouseSecret(text, 'the secret arn:test');
  } catch (err) {
    expect(err).toBeInstanceOf(SecretError);
    return err as SecretError;
  }
  throw new Error('expected parseWarehouseSecret to throw');
}

describe('parseWarehouseSecret', () => {
  it('reads the Redshift secret fields and drops unknown ones', () => {
    const secret = password();
    const text = JSON.stringify({ engine: 'redshift', host: 'dw.example', port: 5439, username: 'loader', password: secret, dbname: 'dev', dbClusterIdentifier: 'dw' });
    expect(parseWarehouseSecret(text, 'the secret x')).toEqual({ engine: 'redshift', host: 'dw.example', port: 5439, username: 'loader', password: secret, dbname: 'dev' });
  });

  it('accepts the port as a string of digits and treats null as absent', () => {
    expect(parseWarehouseSecret('{"port":"5439","host":null}', 'the secret x')).toEqual({ port: 5439 });
  });

  it('registers the password with the log redactor as soon as it is read', () => {
    const secret = password();
    parseWarehouseSecret(JSON.stringify({ password: secret }), 'the secret x');
    expect(redactText(`login with ${secret}`)).toBe(`login with ${REDACTED}`);
  });

  it('names the wrong fields without their values, and still registers the password', () => {
    const secret = password();
    const err = formatErrorOf(JSON.stringify({ password: secret, port: 'not-a-port-99', username: 12345 }));
    expect(err.code).toBe('E_SECRET_FORMAT');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('port (expected an integer from 1 to 65535');
    expect(err.message).toContain('username (expected a string)');
    expect(err.message).toContain('arn:test');
    expect(err.message).not.toMatch(/not-a-port-99|12345/);
    expect(err.message).not.toContain(secret);
    expect(redactText(secret)).toBe(REDACTED);
  });

  it('rejects ports out of range', () => {
    expect(formatErrorOf('{"port":70000}').message).toContain('port (expected');
    expect(formatErrorOf('{"port":0}').message).toContain('port (expected');
  });

  it('never quotes text that is not JSON, nor keeps the parser error as cause', () => {
    const secret = password();
    const err = formatErrorOf(`{"password": "${secret}", oops}`);
    expect(err.code).toBe('E_SECRET_FORMAT');
    expect(err.message).toMatch(/Expected valid JSON in the secret arn:test/);
    expect(err.message).not.toContain(secret);
    expect(err.cause).toBeUndefined();
  });

  it('rejects JSON that is not an object', () => {
    expect(formatErrorOf('["a"]').message).toMatch(/Expected a JSON object/);
  });
});
