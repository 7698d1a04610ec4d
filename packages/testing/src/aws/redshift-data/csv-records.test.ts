import { describe, expect, it } from 'vitest';
import { csvRecordEndingOnLine } from './csv-records.js';

describe('csvRecordEndingOnLine', () => {
  const csv = '1,"x"\n2,"a\nb\nc"\n,"bad"\n4,""\n';

  it('maps PostgreSQL physical line numbers, newlines in quotes included, onto records', () => {
    expect(csvRecordEndingOnLine(csv, 1)).toEqual({ index: 1, text: '1,"x"' });
    expect(csvRecordEndingOnLine(csv, 4)).toEqual({ index: 2, text: '2,"a\nb\nc"' });
    expect(csvRecordEndingOnLine(csv, 5)).toEqual({ index: 3, text: ',"bad"' });
    expect(csvRecordEndingOnLine(csv, 6)).toEqual({ index: 4, text: '4,""' });
  });

  it('knows no record for a line inside one or past the end', () => {
    expect(csvRecordEndingOnLine(csv, 2)).toBeUndefined();
    expect(csvRecordEndingOnLine(csv, 7)).toBeUndefined();
  });

  it('reads doubled quotes as quotes, and a last record without a line end', () => {
    expect(csvRecordEndingOnLine('1,"say ""hi""\n"\n2,x', 3)).toEqual({ index: 2, text: '2,x' });
  });
});
