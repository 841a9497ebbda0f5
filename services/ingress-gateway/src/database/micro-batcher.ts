// Group commit for small, independent statements issued by concurrent requests (a nonce to remember, an
// upload to index): items that arrive while a statement is in flight travel together in the next one.
// Under load this turns N round trips (and N socket writes) into a few; alone, an item waits for nothing.

export interface MicroBatcherOptions<I, O> {
  /** Runs one statement for the batch; returns one result per item, in order. */
  readonly run: (items: readonly I[]) => Promise<readonly O[]>;
  /** Statements in flight at once (default 2). */
  readonly maxConcurrent?: number;
  /** Items per statement at most (default 256). */
  readonly maxBatch?: number;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private running = 0;
  private scheduled = false;
  private readonly maxConcurrent: number;
  private readonly maxBatch: number;

  constructor(private readonly options: MicroBatcherOptions<I, O>) {
    this.maxConcurrent = options.maxConcurrent ?? 2;
    this.maxBatch = options.maxBatch ?? 256;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.maxConcurrent || this.queue.length === 0) return;
    this.scheduled = true;
    // The rest of this event-loop turn joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.running++;
      this.options
        .run(batch.map((p) => p.item))
        .then(
          (results) => batch.forEach((p, i) => p.resolve(results[i])),
          (error: unknown) => batch.forEach((p) => p.reject(error)),
        )
        .finally(() => {
          this.running--;
          this.schedule();
        });
    }
  }
}
