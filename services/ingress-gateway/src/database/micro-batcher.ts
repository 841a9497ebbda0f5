// Group commit for small, independent statements issued by concurrent requests (a nonce to remember, an
// upload to index): items that arrive while a statement is in flight travel together in the next one.
// Under load this turns N round trips (and N socket writes) into a few; alone, an item waits for nothing.
// Items are independent requests, so one item's failure must not fail the others: a failed statement is
// retried in halves until the failing item is alone (one poisoned item among n costs about 2·log2(n)
// extra statements). `run` must therefore be atomic — a failed statement changed nothing. A failure no item
// can cause (the database unreachable) fails the batch at once rather than multiplying statements.
import { sqlState } from '@tradewind/persistence';

export interface MicroBatcherOptions<I, O> {
  /** Runs one atomic statement for the batch; returns one result per item, in order. */
  readonly run: (items: readonly I[]) => Promise<readonly O[]>;
  /** Statements in flight at once (default 2). */
  readonly maxConcurrent?: number;
  /** Items per statement at most (default 256). */
  readonly maxBatch?: number;
  /** True when the error may come from one item's content, so halves are worth retrying (default: always). */
  readonly mayBeCausedByAnItem?: (error: unknown) => boolean;
}

/**
 * PostgreSQL errors one row's values can cause: data exceptions (class 22: a NUL in text, a value out of
 * range), integrity violations (23) and program limits (54: an index row too large).
 */
export function isRowDataError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && ['22', '23', '54'].includes(state.slice(0, 2));
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
      void this.settle(batch).finally(() => {
        this.running--;
        this.schedule();
      });
    }
  }

  /** Runs the batch; when it fails, each half again, so only the items that fail on their own are rejected. */
  private async settle(batch: readonly Pending<I, O>[]): Promise<void> {
    let results: readonly O[];
    try {
      results = await this.options.run(batch.map((p) => p.item));
    } catch (error) {
      if (batch.length === 1 || !(this.options.mayBeCausedByAnItem?.(error) ?? true)) {
        batch.forEach((p) => p.reject(error));
        return;
      }
      const middle = Math.ceil(batch.length / 2);
      await this.settle(batch.slice(0, middle));
      await this.settle(batch.slice(middle));
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }
}
