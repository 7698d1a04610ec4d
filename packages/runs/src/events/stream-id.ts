const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

/** Whether a string is a Redis stream id (`<ms>-<seq>`): what a client may send as Last-Event-ID. */
export function isStreamId(value: string | undefined): value is string {
  return value !== undefined && STREAM_ID.test(value);
}

/** Orders two stream ids; negative when `a` came first. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}
