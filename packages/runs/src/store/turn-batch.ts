interface Pending<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (err: unknown) => void;
}

/** How much one `send` may carry. */
export interface TurnBatchLimits<Item> {
  /** Items per send at most. */
  maxItems: number;
  /**
   * Total `weigh` per send at most (an item heavier than this alone goes alone).
   * @defaultValue no limit
   */
  maxWeight?: number;
  /** An item's weight, in whatever unit `maxWeight` is: bytes, say. */
  weigh?: (item: Item) => number;
}

/**
 * Gathers the calls made in one turn of the event loop and sends them together: `add` queues an
 * item, and once the turn's callbacks and promise continuations have run (`process.nextTick`),
 * `send` gets every item queued meanwhile, in order, cut into sends within `limits`, and
 * answers each with its result.
 *
 * A worker running many phases at once receives several Redis replies in one read; the
 * continuations they resume each make their next write in the same turn. Sent together, those
 * writes cost one command, one socket write and one wake-up of Redis, where each would pay its
 * own. Nothing waits for a timer: a call made alone is sent at the end of its turn, as it would
 * have been.
 */
export class TurnBatch<Item, Result> {
  private pending: Array<Pending<Item, Result>> = [];

  constructor(
    private readonly send: (items: Item[]) => Promise<Result[]>,
    private readonly limits: TurnBatchLimits<Item>,
  ) {}

  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      if (this.pending.length === 0) process.nextTick(() => this.flush());
      this.pending.push({ item, resolve, reject });
    });
  }

  private flush(): void {
    const calls = this.pending;
    this.pending = [];
    for (const chunk of this.chunks(calls)) this.sendChunk(chunk);
  }

  /** The calls cut into sends within the limits, in order. */
  private chunks(calls: Array<Pending<Item, Result>>): Array<Array<Pending<Item, Result>>> {
    const { maxItems, maxWeight = Number.POSITIVE_INFINITY, weigh } = this.limits;
    const chunks: Array<Array<Pending<Item, Result>>> = [];
    let chunk: Array<Pending<Item, Result>> = [];
    let weight = 0;
    for (const call of calls) {
      const w = weigh ? weigh(call.item) : 0;
      if (chunk.length > 0 && (chunk.length >= maxItems || weight + w > maxWeight)) {
        chunks.push(chunk);
        chunk = [];
        weight = 0;
      }
      chunk.push(call);
      weight += w;
    }
    if (chunk.length > 0) chunks.push(chunk);
    return chunks;
  }

  private sendChunk(chunk: Array<Pending<Item, Result>>): void {
    let sent: Promise<Result[]>;
    try {
      sent = this.send(chunk.map((call) => call.item));
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      (results) => {
        if (results.length !== chunk.length) {
          const err = new Error(`a batch of ${chunk.length} calls got ${results.length} replies`);
          for (const call of chunk) call.reject(err);
          return;
        }
        chunk.forEach((call, i) => call.resolve(results[i]!));
      },
      (err: unknown) => {
        for (const call of chunk) call.reject(err);
      },
    );
  }
}
