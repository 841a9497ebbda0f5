import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { KeyedMicroBatcher, type Settled } from './micro-batcher';

const echo = (batches: string[][]) => (key: string, items: string[]) => {
  batches.push([key, ...items]);
  return Promise.resolve(items.map((item): Settled<string> => ({ ok: true, value: item.toUpperCase() })));
};

describe('KeyedMicroBatcher', () => {
  it('flushes a full batch at once and the rest after the linger', async () => {
    const batches: string[][] = [];
    const batcher = new KeyedMicroBatcher<string, string>({ maxItems: 3, lingerMs: 30, run: echo(batches) });
    const results = Promise.all(['a', 'b', 'c', 'd'].map((item) => batcher.submit('k', item)));
    await sleep(5);
    assert.deepEqual(batches, [['k', 'a', 'b', 'c']]);
    assert.deepEqual(await results, ['A', 'B', 'C', 'D']);
    assert.deepEqual(batches, [
      ['k', 'a', 'b', 'c'],
      ['k', 'd'],
    ]);
  });

  it('never mixes keys', async () => {
    const batches: string[][] = [];
    const batcher = new KeyedMicroBatcher<string, string>({ maxItems: 10, lingerMs: 5, run: echo(batches) });
    await Promise.all([batcher.submit('x', '1'), batcher.submit('y', '2'), batcher.submit('x', '3')]);
    assert.deepEqual(
      batches.sort((a, b) => a[0].localeCompare(b[0])),
      [
        ['x', '1', '3'],
        ['y', '2'],
      ],
    );
  });

  it('keeps filling the batch while no call could start, then sends it whole', async () => {
    const batches: string[][] = [];
    let open!: () => void;
    const capacity = new Promise<void>((resolve) => (open = resolve));
    const batcher = new KeyedMicroBatcher<string, string>({
      maxItems: 100,
      lingerMs: 1,
      capacity: () => capacity,
      run: echo(batches),
    });
    const results = Promise.all(Array.from({ length: 20 }, (_, i) => batcher.submit('k', String(i))));
    await sleep(20);
    assert.equal(batches.length, 0);
    assert.equal(batcher.queued, 20);
    open();
    await results;
    assert.deepEqual(
      batches.map((b) => b.length - 1),
      [20],
    );
  });

  it('settles each item with its own outcome; a throwing run fails every item', async () => {
    const batcher = new KeyedMicroBatcher<number, number>({
      maxItems: 10,
      lingerMs: 1,
      run: (_key, items) =>
        items.includes(99)
          ? Promise.reject(new Error('Odoo down'))
          : Promise.resolve(
              items.map((n) =>
                n % 2 ? { ok: false, error: new Error(`odd ${n}`) } : { ok: true, value: n },
              ),
            ),
    });
    const settled = await Promise.allSettled([batcher.submit('k', 1), batcher.submit('k', 2)]);
    assert.equal(settled[0].status, 'rejected');
    assert.deepEqual(settled[1], { status: 'fulfilled', value: 2 });
    await assert.rejects(batcher.submit('k', 99), /Odoo down/);
  });
});
