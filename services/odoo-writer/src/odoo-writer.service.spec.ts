import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { configureLogging, createLogger } from '@tradewind/observability';
import { type LoadResult, OdooError, OdooErrorCode } from '@tradewind/odoo-client';

import { createWriterCommand } from './commands/writer-command';
import { FaultInjector } from './fault-injector';
import type { OdooGateway } from './odoo/odoo-gateway';
import { OdooWriterErrorCode, OdooWriterException } from './odoo-writer.exception';
import { odooWriterMetrics } from './odoo-writer.metrics';
import { OdooWriterService } from './odoo-writer.service';
import { AdaptiveConcurrencyLimiter } from './resilience/adaptive-limiter';
import { BreakerState, type CircuitBreaker } from './resilience/circuit-breaker';
import { confirmSaleOrder, upsertSaleOrder } from './test/command-fixtures';

/** The service with a fake gateway; `load` answers from the script, one entry per call. */
function harness(
  script: ((rows: readonly (readonly string[])[]) => Promise<LoadResult>)[],
  breakerStates: BreakerState[] = [],
) {
  const loads: number[] = [];
  const odoo = {
    load: (_model: string, _fields: readonly string[], rows: readonly (readonly string[])[]) => {
      loads.push(rows.filter((row) => row[0] !== '').length);
      return script[Math.min(loads.length - 1, script.length - 1)](rows);
    },
  } as unknown as OdooGateway;
  let checks = 0;
  const breaker = {
    get state() {
      return breakerStates[checks++] ?? BreakerState.Closed;
    },
  } as unknown as CircuitBreaker;
  const limiter = new AdaptiveConcurrencyLimiter({ min: 1, max: 4, initial: 4, latencyTolerance: 3 });
  const sut = new OdooWriterService(
    odoo,
    limiter,
    breaker,
    odooWriterMetrics(),
    new FaultInjector({ crashAt: undefined, crashAfter: 1, crashDelayMs: 0 }),
    createLogger('test'),
    {
      maxBatchRecords: 10,
      lingerMs: 5,
      retryAttempts: 3,
      maxUncountedRetries: 8,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 2,
    },
  );
  return { sut, loads };
}

const ok = (rows: readonly (readonly string[])[]): Promise<LoadResult> =>
  Promise.resolve({
    ids: rows.filter((row) => row[0] !== '').map((_, i) => i + 1),
    messages: [],
    nextrow: 0,
  });
const timeout = (): Promise<LoadResult> =>
  Promise.reject(new OdooError({ code: OdooErrorCode.TIMEOUT, message: 'no answer' }));

const upsert = (n: number) => createWriterCommand(upsertSaleOrder(`tradewind.so_${n}`));

configureLogging({ level: 'silent' });

describe('OdooWriterService', () => {
  it('writes concurrent commands of one type in one load call', async () => {
    const { sut, loads } = harness([ok]);
    const outcomes = await Promise.all([1, 2, 3, 4].map((n) => sut.execute(upsert(n))));
    assert.deepEqual(loads, [4]);
    assert.deepEqual(
      outcomes.map((o) => [o.outcome, o.odooModel, o.odooId]),
      [
        ['written', 'sale.order', 1],
        ['written', 'sale.order', 2],
        ['written', 'sale.order', 3],
        ['written', 'sale.order', 4],
      ],
    );
  });

  it('retries a technical failure with backoff, then succeeds', async () => {
    const { sut, loads } = harness([timeout, timeout, ok]);
    assert.equal((await sut.execute(upsert(1))).outcome, 'written');
    assert.equal(loads.length, 3);
  });

  it('gives up after its attempts with a technical error (the consumer runner takes over)', async () => {
    const { sut, loads } = harness([timeout]);
    await assert.rejects(
      sut.execute(upsert(1)),
      (error) =>
        error instanceof OdooWriterException &&
        error.code === OdooWriterErrorCode.OdooFailed &&
        !error.business,
    );
    assert.equal(loads.length, 3);
  });

  it('does not count failures while the circuit is open: an outage never exhausts the attempts', async () => {
    const open = Array.from({ length: 5 }, () => BreakerState.Open);
    const { sut, loads } = harness([timeout, timeout, timeout, timeout, timeout, timeout, ok], open);
    assert.equal((await sut.execute(upsert(1))).outcome, 'written');
    assert.equal(loads.length, 7);
  });

  it('keeps types apart: confirmations never share a call with upserts', async () => {
    const calls: string[] = [];
    const odoo = {
      load: (_m: string, _f: readonly string[], rows: readonly (readonly string[])[]) => (
        calls.push('load'),
        ok(rows)
      ),
      searchRead: (model: string) => {
        calls.push(`read ${model}`);
        return Promise.resolve(
          model === 'ir.model.data'
            ? [{ id: 1, module: 'tradewind', name: 'so_1', model: 'sale.order', res_id: 7 }]
            : [{ id: 7, state: 'sale' }],
        );
      },
    } as unknown as OdooGateway;
    const sut = new OdooWriterService(
      odoo,
      new AdaptiveConcurrencyLimiter({ min: 1, max: 4, initial: 4, latencyTolerance: 3 }),
      { state: BreakerState.Closed } as CircuitBreaker,
      odooWriterMetrics(),
      new FaultInjector({ crashAt: undefined, crashAfter: 1, crashDelayMs: 0 }),
      createLogger('test'),
      {
        maxBatchRecords: 10,
        lingerMs: 5,
        retryAttempts: 3,
        maxUncountedRetries: 8,
        retryBaseDelayMs: 1,
        retryMaxDelayMs: 2,
      },
    );
    const [written, confirmed] = await Promise.all([
      sut.execute(upsert(2)),
      sut.execute(createWriterCommand(confirmSaleOrder('tradewind.so_1'))),
    ]);
    assert.equal(written.outcome, 'written');
    assert.deepEqual(confirmed, { outcome: 'already_done', odooModel: 'sale.order', odooId: 7 });
    assert.deepEqual(calls.sort(), ['load', 'read ir.model.data', 'read sale.order']);
  });

  it(
    'caps the retries an open circuit does not count: a command cannot loop forever',
    { timeout: 10_000 },
    async () => {
      const open = Array.from({ length: 100 }, () => BreakerState.Open);
      const { sut, loads } = harness([timeout], open);
      await assert.rejects(
        sut.execute(upsert(1)),
        (error) => error instanceof OdooWriterException && error.code === OdooWriterErrorCode.OdooFailed,
      );
      assert.equal(loads.length, 8 + 3, 'the uncounted retries, then the attempts');
    },
  );

  it("counts a command's own failure even while the circuit is open", { timeout: 10_000 }, async () => {
    const open = Array.from({ length: 100 }, () => BreakerState.Open);
    const denied = (): Promise<LoadResult> =>
      Promise.reject(
        new OdooError({
          code: OdooErrorCode.ACCESS_DENIED,
          message: 'denied',
          odooName: 'odoo.exceptions.AccessError',
        }),
      );
    const { sut, loads } = harness([denied], open);
    await assert.rejects(
      sut.execute(upsert(1)),
      (error) =>
        error instanceof OdooWriterException &&
        error.code === OdooWriterErrorCode.CommandFailed &&
        !error.business,
    );
    assert.equal(loads.length, 3);
  });

  it('retries only the command that failed; its neighbours are written once', async () => {
    const { sut, loads } = harness([
      (rows) =>
        rows.some((row) => row[0] === 'tradewind.so_3')
          ? Promise.reject(
              new OdooError({
                code: OdooErrorCode.SERVER_ERROR,
                message: 'x',
                odooName: 'builtins.KeyError',
              }),
            )
          : ok(rows),
    ]);
    const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => sut.execute(upsert(n))));
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    const failed = settled[2];
    assert.ok(
      failed.status === 'rejected' &&
        failed.reason instanceof OdooWriterException &&
        failed.reason.code === OdooWriterErrorCode.CommandFailed,
    );
    // 4 → 2 + 2 → 1 + 1 (the culprit alone), then the culprit alone twice more
    assert.deepEqual(loads, [4, 2, 2, 1, 1, 1, 1]);
  });
});
