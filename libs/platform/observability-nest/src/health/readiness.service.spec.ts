import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { type ReadinessCheck } from '@tradewind/observability';

import { ReadinessService } from './readiness.service';

const up = (name: string): ReadinessCheck => ({ name, check: () => Promise.resolve() });

void describe('ReadinessService', () => {
  void it('shares one run between concurrent probes and accepts checks registered later', async () => {
    let runs = 0;
    const service = new ReadinessService([
      {
        name: 'counted',
        check: async () => {
          runs++;
          await sleep(20);
        },
      },
    ]);
    service.register(up('late'));
    const [a, b] = await Promise.all([service.check(), service.check()]);
    assert.equal(runs, 1);
    assert.equal(a, b);
    assert.deepEqual(
      a.checks.map((c) => c.name),
      ['counted', 'late'],
    );
  });

  void it('reports not ready once shutdown begins', async () => {
    const service = new ReadinessService([up('a')]);
    service.beforeApplicationShutdown();
    const report = await service.check();
    assert.equal(report.status, 'not_ready');
    assert.equal(report.checks[0].name, 'shutdown');
  });
});
