import { describe, expect, it } from 'vitest';
import { isSensitiveKey, SENSITIVE_REDACT_PATHS } from './sensitive-keys.js';

describe('isSensitiveKey', () => {
  it.each(['password', 'PASSWORD', 'dbPassword', 'DB_PASSWORD', 'masterUserPassword', 'x-api-key', 'apiKey', 'Authorization', 'token', 'aws_secret_access_key', 'SecretString', 'clientSecret'])(
    'treats %s as sensitive',
    (key) => expect(isSensitiveKey(key)).toBe(true),
  );

  it.each(['secretId', 'clientToken', 'nextToken', 'username', 'host', 'passwordPolicy', 'tokens'])('leaves %s visible', (key) =>
    expect(isSensitiveKey(key)).toBe(false),
  );
});

describe('SENSITIVE_REDACT_PATHS', () => {
  it('lists top-level paths in the usual spellings, without wildcards', () => {
    expect(SENSITIVE_REDACT_PATHS).toEqual(expect.arrayContaining(['password', 'PASSWORD', 'api_key', 'apiKey']));
    expect(SENSITIVE_REDACT_PATHS.some((p) => p.includes('*'))).toBe(false);
  });
});
