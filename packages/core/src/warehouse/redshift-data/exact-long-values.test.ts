import { describe, expect, it } from 'vitest';
import { quoteUnsafeLongValues } from './exact-long-values.js';

describe('quoteUnsafeLongValues', () => {
  it('turns integers beyond 2^53 into their digits as strings and leaves the rest', () => {
    const body = '{"Records":[[{"longValue":9007199254740993},{"longValue":42},{"longValue": -9223372036854775808 }]]}';
    const rewritten = quoteUnsafeLongValues(body);
    expect(JSON.parse(rewritten)).toEqual({ Records: [[{ longValue: '9007199254740993' }, { longValue: 42 }, { longValue: '-9223372036854775808' }]] });
  });

  it('never touches text inside a string value', () => {
    const body = JSON.stringify({ Records: [[{ stringValue: '{"longValue":9007199254740993}' }]] });
    expect(quoteUnsafeLongValues(body)).toBe(body);
  });
});
