import { describe, expect, it } from 'vitest';
import { bearerMatches } from './bearer-token.js';
import { isLoopbackHost } from './loopback.js';

describe('bearer token comparison', () => {
  const token = 'tok-0123456789abcdef';
  it('accepts exactly the token after Bearer', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });
  it.each([undefined, '', 'Bearer', 'Bearer ', `Basic ${token}`, `Bearer ${token}0`, `Bearer ${token.slice(0, -1)}`, `Bearer ${token} extra`, token])('refuses %j', (header) => {
    expect(bearerMatches(header, token)).toBe(false);
  });
});

describe('loopback addresses', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each(['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1'])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));
});
