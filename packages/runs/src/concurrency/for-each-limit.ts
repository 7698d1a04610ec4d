/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in order of starting. Work over
 * thousands of pipelines (a scheduler tick, reading their definition files) would otherwise hold
 * every request and its data in memory at once.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(lanes);
}
