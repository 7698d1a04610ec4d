/**
 * A copy of `base` with `fields` set, for the records' hot path (every phase start and end).
 * Object.assign, not `{ ...base, ...fields }`: Node 20's V8 copies a spread that gains a property
 * its source lacks (a phase's first `startedAt` or `worker`, say) on a slow path that costs
 * microseconds per copy; later V8s take the fast path either way.
 */
export function withFields<T extends object>(base: T, fields: Partial<T>): T {
  return Object.assign({}, base, fields);
}
