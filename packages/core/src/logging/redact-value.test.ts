import { describe, expect, it } from 'vitest';
import { REDACTED } from './redactor.js';
import { redactValue } from './redact-value.js';

describe('redactValue', () => {
  it('copies without changing the input', () => {
    const input = { password: 'p-in', list: ['postgres://u:p-list@h/db'] };
    const output = redactValue(input);
    expect(output).toEqual({ password: REDACTED, list: ['postgres://u:***@h/db'] });
    expect(input.password).toBe('p-in');
  });

  it('summarises binary data, which may be a SecretBinary', () => {
    expect(redactValue({ body: new TextEncoder().encode('{"password":"x"}') })).toEqual({ body: '[binary 16 bytes]' });
  });

  it('marks cycles and keeps repeated siblings', () => {
    const shared = { a: 1 };
    const looped: Record<string, unknown> = { shared, again: shared };
    looped.self = looped;
    expect(redactValue(looped)).toEqual({ shared: { a: 1 }, again: { a: 1 }, self: '[Circular]' });
  });

  it('cuts very deep nesting', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(JSON.stringify(redactValue(deep))).toContain('[Truncated]');
  });

  it('keeps numbers, booleans, null and dates', () => {
    expect(redactValue({ n: 1, b: false, z: null, d: new Date('2024-01-02T03:04:05Z') })).toEqual({
      n: 1,
      b: false,
      z: null,
      d: '2024-01-02T03:04:05.000Z',
    });
  });
});
