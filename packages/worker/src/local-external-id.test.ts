import { describe, expect, it } from 'vitest';
import { parseLocalExternalId, qualifyExternalId } from './local-external-id.js';

describe('local external ids', () => {
  it('adds the host to a local process id and leaves other ids alone', () => {
    expect(qualifyExternalId('local:4242', 'worker-a')).toBe('local:worker-a:4242');
    expect(qualifyExternalId('s-1ABCDEF', 'worker-a')).toBe('s-1ABCDEF');
    expect(qualifyExternalId('local:worker-a:4242', 'worker-b')).toBe('local:worker-a:4242');
  });

  it('reads host and pid back, keeping colons inside the host', () => {
    expect(parseLocalExternalId('local:worker-a:4242')).toEqual({ host: 'worker-a', pid: 4242 });
    expect(parseLocalExternalId('local:fe80::1:77')).toEqual({ host: 'fe80::1', pid: 77 });
    expect(parseLocalExternalId('local:4242')).toBeNull();
    expect(parseLocalExternalId('s-1ABCDEF')).toBeNull();
    expect(parseLocalExternalId(undefined)).toBeNull();
  });
});
