// A failure that belongs to one command (a record rule, a server error its record causes, a lost race
// with a concurrent load, a batch too big to answer in time) against the Odoo simulator: the command
// fails alone or is written, its neighbours are written, and the circuit breaker stays closed.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { loadConfig } from '@tradewind/config';
import type { OdooCommand } from '@tradewind/contracts';
import { configureLogging } from '@tradewind/observability';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';

import { createWriterCommand } from './commands/writer-command';
import { odooWriterConfig } from './odoo-writer.config';
import { createOdooWriterCore, type OdooWriterCore } from './odoo-writer.core';
import { OdooWriterErrorCode, OdooWriterException } from './odoo-writer.exception';
import { BreakerState } from './resilience/circuit-breaker';
import { confirmSaleOrder, upsertSaleOrder } from './test/command-fixtures';

configureLogging({ level: 'silent' });

describe('per-command failures against the Odoo simulator', () => {
  let odoo: OdooSimulator;
  let core: OdooWriterCore;
  const cores: OdooWriterCore[] = [];

  const start = (env: Record<string, string> = {}): OdooWriterCore => {
    const { values } = loadConfig(odooWriterConfig, {
      ODOO_URL: odoo.url,
      ODOO_API_KEY: odoo.apiKeys.write,
      ODOO_API_FLAVOR: 'json2',
      ODOO_BATCH_LINGER: '5ms',
      ODOO_RETRY_ATTEMPTS: '2',
      ODOO_RETRY_BASE_DELAY: '5ms',
      // Two failures in a row would open the circuit: a command's own failures must not count.
      ODOO_BREAKER_CONSECUTIVE_FAILURES: '2',
      ...env,
    });
    const created = createOdooWriterCore(values);
    cores.push(created);
    return created;
  };
  const write = (value: OdooCommand) => core.writer.execute(createWriterCommand(value));
  const stateOf = (xid: string) => odoo.store.findByExternalId(xid)?.record.state;

  before(async () => {
    odoo = await startOdooSimulator();
  });
  afterEach(() => {
    for (const c of cores.splice(0)) c.close();
    odoo.reset();
    odoo.setKnobs({ latencyPerRowMs: 0 });
  });
  after(() => odoo.stop());

  const threeQuotations = async (prefix: string): Promise<string[]> => {
    const xids = ['a', 'b', 'c'].map((name) => `tradewind.${prefix}_${name}`);
    await Promise.all(xids.map((xid) => write(upsertSaleOrder(xid))));
    return xids;
  };

  it('a record rule on one order: the others are confirmed, that one fails alone, the breaker stays closed', async () => {
    core = start();
    const [a, b, c] = await threeQuotations('so_rule');
    odoo.faults.arm({ kind: 'record-rule', externalId: b });
    const settled = await Promise.allSettled([a, b, c].map((xid) => write(confirmSaleOrder(xid))));
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const refused = settled[1];
    assert.ok(
      refused.status === 'rejected' &&
        refused.reason instanceof OdooWriterException &&
        refused.reason.code === OdooWriterErrorCode.CommandFailed &&
        !refused.reason.business &&
        /top-secret records/.test(refused.reason.message),
    );
    assert.deepEqual([a, b, c].map(stateOf), ['sale', 'draft', 'sale']);
    assert.equal(core.breaker.state, BreakerState.Closed);
  });

  it('a server error one order causes: the others are confirmed, the breaker stays closed', async () => {
    core = start();
    const [a, b, c] = await threeQuotations('so_500');
    odoo.faults.arm({ kind: 'server-error', externalId: a });
    const settled = await Promise.allSettled([a, b, c].map((xid) => write(confirmSaleOrder(xid))));
    assert.deepEqual(
      settled.map((s) => s.status),
      ['rejected', 'fulfilled', 'fulfilled'],
    );
    const failed = settled[0];
    assert.ok(
      failed.status === 'rejected' &&
        failed.reason instanceof OdooWriterException &&
        failed.reason.code === OdooWriterErrorCode.CommandFailed,
    );
    assert.deepEqual([a, b, c].map(stateOf), ['draft', 'sale', 'sale']);
    assert.equal(core.breaker.state, BreakerState.Closed);
  });

  it('a load that loses the race with a concurrent load of its external id is written, once', async () => {
    core = start();
    odoo.faults.arm({ kind: 'concurrent-create', externalId: 'tradewind.so_twin' });
    const outcome = await write(upsertSaleOrder('tradewind.so_twin', { lines: 2, variant: 3 }));
    assert.equal(outcome.outcome, 'written');
    assert.equal(odoo.store.countByExternalId('tradewind.so_twin', 'sale.order'), 1);
    const order = odoo.store.findByExternalId('tradewind.so_twin')!;
    assert.equal(outcome.odooId, order.id, "the twin's record, updated");
    assert.equal((order.record.order_line as number[]).length, 2);
  });

  it('a batch too big to answer in time is split until the calls are answered; the breaker stays closed', async () => {
    // 20 orders of 2 rows take 400 ms to answer, 10 take 200 ms: the first call times out.
    core = start({ ODOO_TIMEOUT: '300ms', ODOO_INITIAL_CONCURRENCY: '4' });
    odoo.setKnobs({ latencyPerRowMs: 10 });
    odoo.resetStats();
    const xids = Array.from({ length: 20 }, (_, i) => `tradewind.so_big_${i}`);
    const outcomes = await Promise.all(xids.map((xid) => write(upsertSaleOrder(xid, { lines: 2 }))));
    assert.ok(outcomes.every((o) => o.outcome === 'written'));
    assert.equal(odoo.store.countByExternalId('tradewind.so_big_', 'sale.order'), 20);
    const loads = odoo.stats().callsByMethod['sale.order.load'];
    assert.ok(loads >= 3, `${loads} loads: the whole batch, then its halves`);
    assert.equal(core.breaker.state, BreakerState.Closed);
  });
});
