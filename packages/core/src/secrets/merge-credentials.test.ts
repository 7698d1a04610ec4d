import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { mergeCredentials } from './merge-credentials.js';

describe('mergeCredentials', () => {
  it('lets the secret fields win and keeps the query parameters', () => {
    expect(
      mergeCredentials('postgres://old:oldpw@old-host:5432/olddb?sslmode=require', {
        host: 'dw.example',
        port: 5439,
        username: 'loader',
        password: 'new',
        dbname: 'dev',
      }),
    ).toBe('postgres://loader:new@dw.example:5439/dev?sslmode=require');
  });

  it('fills what the secret leaves out from the URL', () => {
    expect(mergeCredentials('postgresql://app@db:5433/dw?sslmode=verify-full', { password: 's3cret' })).toBe(
      'postgresql://app:s3cret@db:5433/dw?sslmode=verify-full',
    );
  });

  it('builds the whole URL from the secret when there is no URL', () => {
    expect(mergeCredentials(undefined, { host: 'h', port: 5439, username: 'u', password: 'p', dbname: 'd' })).toBe('postgres://u:p@h:5439/d');
  });

  it('percent-encodes user and password so that any character survives', () => {
    const password = 'p@ss:w/rd?#%41 \'"';
    const url = mergeCredentials('postgres://db/dw', { username: 'us@r', password });
    expect(url).toBe(`postgres://us%40r:${encodeURIComponent(password)}@db/dw`);
    // Decoded the way node-postgres reads a connection string.
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.username)).toBe('us@r');
    expect(decodeURIComponent(parsed.password)).toBe(password);
    expect(parsed.hostname).toBe('db');
  });

  it('keeps the URL encoding of a user the secret does not replace', () => {
    expect(mergeCredentials('postgres://us%40r@db/dw', { password: 'p' })).toBe('postgres://us%40r:p@db/dw');
  });

  it('brackets an IPv6 host from the secret', () => {
    expect(mergeCredentials('postgres://u@db/dw', { host: '::1' })).toBe('postgres://u@[::1]/dw');
  });

  it('refuses a URL that is not postgres://, without printing its password', () => {
    expect(() => mergeCredentials('mysql://u:topsecret@db/dw', {})).toThrow(ConfigError);
    try {
      mergeCredentials('mysql://u:topsecret@db/dw', {});
    } catch (err) {
      expect(err).toMatchObject({ code: 'E_WAREHOUSE_URL_INVALID' });
      expect((err as Error).message).not.toContain('topsecret');
    }
  });

  it('says what to set when neither the URL nor the secret has a host', () => {
    expect(() => mergeCredentials(undefined, { password: 'p' })).toThrow(expect.objectContaining({ code: 'E_WAREHOUSE_URL_MISSING' }));
  });
});
