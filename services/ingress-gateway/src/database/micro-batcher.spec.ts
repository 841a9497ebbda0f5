import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MicroBatcher } from './micro-batcher';

void describe('MicroBatcher (group commit)', () => {
  void it('sends what arrives while a statement is in flight as the next statement, results in order', async () => {
    const statements: number[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const batcher = new MicroBatcher<number, number>({
      maxConcurrent: 1,
      run: async (items) => {
        statements.push([...items]);
        if (statements.length === 1) await firstHeld;
        return items.map((i) => i * 10);
      },
    });
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4].map((i) => batcher.submit(i));
    release();
    assert.deepEqual(await Promise.all([first, ...rest]), [10, 20, 30, 40]);
    assert.deepEqual(statements, [[1], [2, 3, 4]]);
  });

  void it('fails only the item that fails the statement: the others are retried without it', async () => {
    const statements: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxConcurrent: 1,
      run: (items) => {
        statements.push([...items]);
        return items.includes(13) ? Promise.reject(new Error('bad row 13')) : Promise.resolve([...items]);
      },
    });
    const results = await Promise.allSettled([1, 2, 13, 4, 5, 6, 7, 8].map((i) => batcher.submit(i)));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))),
      [1, 2, 'Error: bad row 13', 4, 5, 6, 7, 8],
    );
    // Halves, not one statement per item: 8 items with one poisoned take 1 + 2 + 2 + 2 statements.
    assert.equal(statements.length, 7);
  });

  void it('fails the whole batch at once when no item can have caused the failure, and carries on', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>({
      run: (items) =>
        ++calls === 1 ? Promise.reject(new Error('connection lost')) : Promise.resolve([...items]),
      mayBeCausedByAnItem: (error) => !/connection/.test(String(error)),
    });
    const failed = [batcher.submit(1), batcher.submit(2)];
    for (const p of failed) await assert.rejects(p, /connection lost/);
    assert.equal(calls, 1, 'not retried in halves');
    assert.equal(await batcher.submit(3), 3);
  });

  void it('caps a statement at maxBatch items', async () => {
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatch: 2,
      maxConcurrent: 4,
      run: (items) => {
        sizes.push(items.length);
        return Promise.resolve([...items]);
      },
    });
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.submit(i)));
    assert.deepEqual(sizes, [2, 2, 1]);
  });
});
