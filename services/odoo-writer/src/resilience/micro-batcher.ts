// Groups concurrent submissions with the same key into one batch, flushed when it holds `maxItems` or
// its first item has waited `lingerMs`, and only when a call could start (the concurrency limiter has a
// free slot): while Odoo is busy, batches grow instead of queueing as many small calls. Not the gateway's
// MicroBatcher, a group commit with one queue and no linger.

export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface KeyedMicroBatcherOptions<I, O> {
  maxItems: number;
  lingerMs: number;
  /** Resolves when a batch could start now; default: at once. */
  capacity?: () => Promise<void>;
  /** Runs one batch; returns one settlement per item, in order. Throwing fails every item. */
  run: (key: string, items: I[]) => Promise<Settled<O>[]>;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

interface Queue<I, O> {
  items: Pending<I, O>[];
  timer: NodeJS.Timeout | undefined;
  dispatching: boolean;
}

export class KeyedMicroBatcher<I, O> {
  private readonly queues = new Map<string, Queue<I, O>>();
  private running = 0;

  constructor(private readonly options: KeyedMicroBatcherOptions<I, O>) {
    if (!(options.maxItems >= 1)) throw new RangeError('maxItems must be at least 1');
  }

  /** Batches started and not yet settled. */
  get inFlight(): number {
    return this.running;
  }

  /** Items waiting for a batch. */
  get queued(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.items.length;
    return n;
  }

  submit(key: string, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      let queue = this.queues.get(key);
      if (!queue) {
        queue = { items: [], timer: undefined, dispatching: false };
        this.queues.set(key, queue);
      }
      queue.items.push({ item, resolve, reject });
      this.schedule(key, queue);
    });
  }

  private schedule(key: string, queue: Queue<I, O>): void {
    if (queue.dispatching) return; // the pending dispatch takes what has arrived meanwhile
    if (queue.items.length >= this.options.maxItems || this.options.lingerMs <= 0) {
      void this.dispatch(key, queue);
    } else if (!queue.timer) {
      queue.timer = setTimeout(() => void this.dispatch(key, queue), this.options.lingerMs);
    }
  }

  private async dispatch(key: string, queue: Queue<I, O>): Promise<void> {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    queue.dispatching = true;
    try {
      if (this.options.capacity) await this.options.capacity();
    } finally {
      queue.dispatching = false;
    }
    const batch = queue.items.splice(0, this.options.maxItems);
    if (queue.items.length > 0) this.schedule(key, queue);
    else if (!queue.timer) this.queues.delete(key);
    if (batch.length === 0) return;
    this.running += 1;
    try {
      const settled = await this.options.run(
        key,
        batch.map((pending) => pending.item),
      );
      batch.forEach((pending, index) => {
        const outcome = settled[index];
        if (!outcome)
          pending.reject(new Error(`batch ${key} settled ${settled.length} of ${batch.length} items`));
        else if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(outcome.error);
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.running -= 1;
    }
  }
}
