import { describe, expect, it } from 'vitest';
import { uniqueName } from './unique-name.js';

describe('uniqueName', () => {
  it('appends an underscore and 8 hex characters', () => {
    expect(uniqueName('load')).toMatch(/^load_[0-9a-f]{8}$/);
  });

  it('gives a different name each time', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('t')));
    expect(names.size).toBe(100);
  });
});
