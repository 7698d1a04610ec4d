interface Pending<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers the calls made in one turn of the event loop and sends them together: `add` queues an
 * item, and once the turn's callbacks and promise continuations have run (`process.nextTick`),
 * `send` gets every item queued meanwhile, at most `maxItems` per call, and answers each with
 * its result, in order.
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
    private readonly maxItems: number,
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
    for (let from = 0; from < calls.length; from += this.maxItems) {
      const chunk = calls.slice(from, from + this.maxItems);
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
}
