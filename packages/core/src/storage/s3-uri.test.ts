import { describe, expect, it } from 'vitest';
import { formatS3Uri, isS3Uri, joinUri, parseS3Uri } from './s3-uri.js';

describe('parseS3Uri', () => {
  it('splits bucket and key, keeping the key as written', () => {
    expect(parseS3Uri('s3://my-bucket/runs/r1/data/')).toEqual({ bucket: 'my-bucket', key: 'runs/r1/data/' });
    expect(parseS3Uri('s3n://logs.example/emr/')).toEqual({ bucket: 'logs.example', key: 'emr/' });
    expect(parseS3Uri('s3://bucket')).toEqual({ bucket: 'bucket', key: '' });
    expect(parseS3Uri('s3://bucket/a b/ü?x')).toEqual({ bucket: 'bucket', key: 'a b/ü?x' });
  });

  it.each([
    ['/local/path', 'is not an S3 URI'],
    ['https://bucket.s3.amazonaws.com/key', 'is not an S3 URI'],
    ['s3:/bucket/key', 'is not an S3 URI'],
    ['s3:///key', 'invalid bucket name ""'],
    ['s3://My_Bucket/key', 'invalid bucket name "My_Bucket"'],
    ['s3://ab/key', 'invalid bucket name "ab"'],
    ['s3://-bucket/key', 'invalid bucket name'],
    ['s3://bucket//key', 'key starting with "/"; write s3://bucket/key'],
  ])('refuses %s', (uri, message) => {
    expect(() => parseS3Uri(uri)).toThrow(expect.objectContaining({ code: 'E_STORAGE_URI', uri, message: expect.stringContaining(message) }));
  });

  it('round-trips through formatS3Uri', () => {
    expect(formatS3Uri(parseS3Uri('s3a://bucket/k/x.json'))).toBe('s3://bucket/k/x.json');
    expect(isS3Uri('s3://b/k')).toBe(true);
    expect(isS3Uri('file:///tmp')).toBe(false);
  });
});

describe('joinUri', () => {
  it('joins with single slashes and drops empty parts', () => {
    expect(joinUri('s3://b/code/', '/abc/', 'pipeline_spark.zip')).toBe('s3://b/code/abc/pipeline_spark.zip');
    expect(joinUri('s3://b', '', 'x')).toBe('s3://b/x');
  });
});
