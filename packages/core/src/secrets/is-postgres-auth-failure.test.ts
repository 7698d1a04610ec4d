import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../errors/connection-error.js';
import { isPostgresAuthFailure } from './is-postgres-auth-failure.js';

const pgError = (code: string) => Object.assign(new Error('from the server'), { code });

describe('isPostgresAuthFailure', () => {
  it('recognises wrong passwords and refused roles', () => {
    expect(isPostgresAuthFailure(pgError('28P01'))).toBe(true);
    expect(isPostgresAuthFailure(pgError('28000'))).toBe(true);
  });

  it('looks through wrapping errors', () => {
    expect(isPostgresAuthFailure(new ConnectionError('warehouse', 'no login', { cause: pgError('28P01') }))).toBe(true);
  });

  it('ignores other failures', () => {
    expect(isPostgresAuthFailure(pgError('40001'))).toBe(false);
    expect(isPostgresAuthFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isPostgresAuthFailure('28P01')).toBe(false);
    expect(isPostgresAuthFailure(undefined)).toBe(false);
  });
});
