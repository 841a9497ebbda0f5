import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { committableOffset, dispatchByKey } from './key-ordered-dispatch';

const rec = (offset: number, key: string | null) => ({ offset: String(offset), key });

describe('dispatchByKey', () => {
  it('keeps offset order within a key and runs other keys concurrently', async () => {
    const records = [rec(0, 'a'), rec(1, 'b'), rec(2, 'a'), rec(3, 'c'), rec(4, 'a'), rec(5, 'b')];
    const seen: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const done = await dispatchByKey(
      records,
      async (r) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(r.key === 'a' ? 15 : 5);
        seen.push(`${r.key}${r.offset}`);
        running--;
        return true;
      },
      { concurrency: 3, shouldContinue: () => true },
    );
    assert.deepEqual(
      seen.filter((s) => s.startsWith('a')),
      ['a0', 'a2', 'a4'],
    );
    assert.deepEqual(
      seen.filter((s) => s.startsWith('b')),
      ['b1', 'b5'],
    );
    assert.equal(done.size, 6);
    assert.equal(maxRunning, 3);
  });

  it('a slow key does not hold the others back', async () => {
    const records = [rec(0, 'slow'), rec(1, 'fast'), rec(2, 'fast'), rec(3, 'fast')];
    const finished: string[] = [];
    await dispatchByKey(
      records,
      async (r) => {
        await sleep(r.key === 'slow' ? 60 : 1);
        finished.push(r.offset);
        return true;
      },
      { concurrency: 2, shouldContinue: () => true },
    );
    assert.deepEqual(finished, ['1', '2', '3', '0']);
  });

  it('skips the rest of a key chain when a record is not disposed of', async () => {
    const records = [rec(0, 'a'), rec(1, 'a'), rec(2, 'b')];
    const handled: string[] = [];
    const done = await dispatchByKey(
      records,
      (r) => {
        handled.push(r.offset);
        return Promise.resolve(r.offset !== '0');
      },
      { concurrency: 1, shouldContinue: () => true },
    );
    assert.deepEqual(handled, ['0', '2']);
    assert.deepEqual([...done], ['2']);
  });

  it('records without a key have no ordering constraint', async () => {
    const order: string[] = [];
    await dispatchByKey(
      [rec(0, null), rec(1, null)],
      async (r) => {
        await sleep(r.offset === '0' ? 20 : 1);
        order.push(r.offset);
        return true;
      },
      { concurrency: 2, shouldContinue: () => true },
    );
    assert.deepEqual(order, ['1', '0']);
  });

  it('rethrows a failing worker only after every other worker has returned', async () => {
    let slowFinished = false;
    const started: string[] = [];
    await assert.rejects(
      dispatchByKey(
        [rec(0, 'slow'), rec(1, 'bad'), rec(2, 'other')],
        async (r) => {
          started.push(r.offset);
          if (r.key === 'bad') throw new Error('park failed');
          await sleep(30);
          slowFinished = true;
          return true;
        },
        { concurrency: 2, shouldContinue: () => true },
      ),
      /park failed/,
    );
    // Before the fix the batch rejected while `slow` still ran, and the re-fetch ran it twice at once.
    assert.equal(slowFinished, true, 'rejected while another worker was still running');
    assert.deepEqual(started, ['0', '1'], 'a worker took a new record after another failed');
  });

  it('stops taking records when asked to', async () => {
    let allowed = 2;
    const done = await dispatchByKey(
      [rec(0, 'a'), rec(1, 'a'), rec(2, 'a')],
      () => {
        allowed--;
        return Promise.resolve(true);
      },
      { concurrency: 1, shouldContinue: () => allowed > 0 },
    );
    assert.deepEqual([...done], ['0', '1']);
  });
});

describe('committableOffset', () => {
  it('commits up to the first incomplete offset', () => {
    assert.equal(committableOffset(['10', '11', '12'], new Set(['10', '12'])), '11');
    assert.equal(committableOffset(['10', '11', '12'], new Set(['10', '11', '12'])), '13');
    assert.equal(committableOffset(['10', '11'], new Set(['11'])), undefined);
  });
});
