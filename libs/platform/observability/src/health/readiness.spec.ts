import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { errorText, type ReadinessCheck, runReadinessChecks } from './readiness';

const up = (name: string): ReadinessCheck => ({ name, check: () => Promise.resolve() });

void describe('runReadinessChecks', () => {
  void it('is ready when every check passes', async () => {
    const report = await runReadinessChecks([up('a'), up('b')]);
    assert.equal(report.status, 'ready');
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.status]),
      [
        ['a', 'up'],
        ['b', 'up'],
      ],
    );
  });

  void it('names each failing check with its error, causes included', async () => {
    const report = await runReadinessChecks([
      up('a'),
      {
        name: 'b',
        check: () => Promise.reject(new Error('fetch failed', { cause: new Error('ECONNREFUSED') })),
      },
      {
        name: 'c',
        check: () => {
          throw new Error('thrown synchronously');
        },
      },
    ]);
    assert.equal(report.status, 'not_ready');
    assert.deepEqual(
      report.checks.filter((c) => c.status === 'down').map((c) => [c.name, c.error]),
      [
        ['b', 'fetch failed: ECONNREFUSED'],
        ['c', 'thrown synchronously'],
      ],
    );
  });

  void it('fails a check that does not answer within its timeout and aborts it', async () => {
    let aborted = false;
    const started = Date.now();
    const report = await runReadinessChecks(
      [
        {
          name: 'slow',
          timeoutMs: 50,
          check: (signal) =>
            new Promise<void>(() => {
              signal.addEventListener('abort', () => (aborted = true));
            }),
        },
      ],
      10_000,
    );
    assert.equal(report.status, 'not_ready');
    assert.equal(report.checks[0].error, 'no answer within 50 ms');
    assert.ok(aborted);
    assert.ok(Date.now() - started < 5_000);
  });

  void it('describes errors without messages', () => {
    const refused = Object.assign(new Error(''), { code: 'ECONNREFUSED' });
    assert.equal(errorText(new AggregateError([refused, new Error('other')], '')), 'ECONNREFUSED; other');
    assert.equal(errorText('plain'), 'plain');
  });
});
