import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';

import { annotateCorrelation, currentCorrelation, runWithCorrelation } from './correlation.context';

void describe('correlation context', () => {
  void it('is undefined outside a run', () => {
    assert.equal(currentCorrelation(), undefined);
    assert.equal(annotateCorrelation({ partnerId: 'p' }), false);
  });

  void it('survives awaits, timers, immediates and callbacks', async () => {
    const seen = await runWithCorrelation({ correlationId: 'c-1', partnerId: 'acme' }, async () => {
      const ids: (string | undefined)[] = [currentCorrelation()?.correlationId];
      await sleep(5);
      ids.push(currentCorrelation()?.correlationId);
      await immediate();
      ids.push(currentCorrelation()?.correlationId);
      ids.push(
        await new Promise<string | undefined>((resolve) =>
          setTimeout(() => resolve(currentCorrelation()?.correlationId), 1),
        ),
      );
      const emitter = new EventEmitter();
      const fromListener = new Promise<string | undefined>((resolve) =>
        emitter.once('go', () => resolve(currentCorrelation()?.correlationId)),
      );
      setTimeout(() => emitter.emit('go'), 1);
      ids.push(await fromListener);
      return ids;
    });
    assert.deepEqual(seen, ['c-1', 'c-1', 'c-1', 'c-1', 'c-1']);
    assert.equal(currentCorrelation(), undefined);
  });

  void it('isolates concurrent runs', async () => {
    const runs = Array.from({ length: 50 }, (_, i) =>
      runWithCorrelation({ correlationId: `c-${i}` }, async () => {
        const observed: string[] = [];
        for (let step = 0; step < 5; step++) {
          await sleep(Math.floor(Math.random() * 3));
          observed.push(currentCorrelation()!.correlationId);
        }
        return observed;
      }),
    );
    const results = await Promise.all(runs);
    results.forEach((observed, i) => assert.deepEqual(observed, Array(5).fill(`c-${i}`)));
  });

  void it('nests: an inner run shadows the outer one and ends with it', () => {
    runWithCorrelation({ correlationId: 'outer' }, () => {
      runWithCorrelation({ correlationId: 'inner', causationId: 'outer' }, () => {
        assert.deepEqual(currentCorrelation(), { correlationId: 'inner', causationId: 'outer' });
      });
      assert.equal(currentCorrelation()?.correlationId, 'outer');
    });
  });

  void it('annotates the current run only, without touching the caller object', async () => {
    const given = { correlationId: 'c-9' };
    await runWithCorrelation(given, async () => {
      assert.equal(annotateCorrelation({ partnerId: 'acme', sourceSystem: 'edi' }), true);
      await sleep(1);
      assert.deepEqual(currentCorrelation(), {
        correlationId: 'c-9',
        partnerId: 'acme',
        sourceSystem: 'edi',
      });
    });
    assert.deepEqual(given, { correlationId: 'c-9' });
  });
});
