// The per-record cost knob: records are charged on lanes shared by every call, by counting (no timing).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type OdooSimulator, recordsWritten, startOdooSimulator } from '../index';
import { LoadGovernor, ODOO_PUBLISHED_RECORD_COST } from './load.governor';

const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('record cost lanes (LoadGovernor.chargeRecords)', () => {
  it('charges nothing by default: the test fixture keeps the per-call cost only', () => {
    const governor = new LoadGovernor();
    assert.equal(governor.chargeRecords(500, 1_000), 0);
    assert.equal(governor.stats().recordsCharged, 0);
  });

  it('one lane serialises the database: a call waits for the records booked before its own', () => {
    const governor = new LoadGovernor({ recordCostMs: 10 });
    assert.equal(governor.chargeRecords(5, 1_000), 50);
    assert.equal(governor.chargeRecords(3, 1_000), 80, 'queued behind the first call');
    assert.equal(governor.chargeRecords(1, 1_040), 50, 'still 40 ms of queue, then its own 10');
    assert.equal(governor.chargeRecords(1, 5_000), 10, 'an idle lane: its own work only');
    assert.deepEqual(
      { records: governor.stats().recordsCharged, ms: governor.stats().recordWorkMs },
      { records: 10, ms: 100 },
    );
  });

  it('N lanes run N calls at once; the next waits for the lane free first', () => {
    const governor = new LoadGovernor({ recordCostMs: 10, recordWorkers: 2 });
    assert.equal(governor.chargeRecords(5, 0), 50);
    assert.equal(governor.chargeRecords(2, 0), 20);
    assert.equal(governor.chargeRecords(1, 0), 30, 'behind the 2-record call');
  });

  it('a batch costs its records: one call of 100 books as much lane time as 100 calls of 1', () => {
    const batched = new LoadGovernor({ recordCostMs: 10 });
    const single = new LoadGovernor({ recordCostMs: 10 });
    const batchWait = batched.chargeRecords(100, 0);
    let lastWait = 0;
    for (let i = 0; i < 100; i++) lastWait = single.chargeRecords(1, 0);
    assert.equal(batchWait, lastWait);
    assert.equal(batched.stats().recordWorkMs, single.stats().recordWorkMs);
  });

  it('refuses knobs that cannot be a cost or a lane count', () => {
    assert.throws(() => new LoadGovernor({ recordCostMs: -1 }), /recordCostMs/);
    assert.throws(() => new LoadGovernor({ recordWorkers: 0 }), /recordWorkers/);
    assert.throws(() => new LoadGovernor({ recordWorkers: 1.5 }), /recordWorkers/);
    assert.deepEqual(ODOO_PUBLISHED_RECORD_COST, { recordCostMs: 10, recordWorkers: 1 });
  });
});

describe('records a JSON-2 call writes (recordsWritten)', () => {
  it('counts load rows, create vals_list entries and the ids of other writes; reads and JSON-RPC cost nothing', () => {
    assert.equal(
      recordsWritten('/json/2/sale.order/load', body({ fields: ['id'], data: [[1], [2], [3]] })),
      3,
    );
    assert.equal(recordsWritten('/json/2/res.partner/create', body({ vals_list: [{}, {}] })), 2);
    assert.equal(recordsWritten('/json/2/res.partner/create', body({ vals_list: {} })), 1);
    assert.equal(recordsWritten('/json/2/sale.order/action_confirm', body({ ids: [4, 5] })), 2);
    assert.equal(recordsWritten('/json/2/res.partner/read', body({ ids: [1, 2, 3] })), 0);
    assert.equal(recordsWritten('/json/2/res.partner/search_read', body({ domain: [] })), 0);
    assert.equal(recordsWritten('/jsonrpc', body({ params: { args: [] } })), 0);
    assert.equal(recordsWritten('/json/2/res.partner/write', Buffer.from('not json')), 0);
  });
});

describe('record cost over HTTP', () => {
  let sim: OdooSimulator;
  before(async () => {
    sim = await startOdooSimulator({ seed: false, knobs: { recordCostMs: 1 } });
  });
  after(() => sim.stop());

  async function call(model: string, method: string, payload: unknown): Promise<unknown> {
    const response = await fetch(`${sim.url}/json/2/${model}/${method}`, {
      method: 'POST',
      headers: { Authorization: `bearer ${sim.apiKeys.write}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return response.json();
  }

  it('charges the records of writes (concurrent calls included), not reads', async () => {
    sim.resetStats();
    const ids = (await call('res.partner', 'create', {
      vals_list: [{ name: 'A' }, { name: 'B' }, { name: 'C' }],
    })) as number[];
    await call('res.partner', 'write', { ids: ids.slice(0, 2), vals: { ref: 'R' } });
    await call('res.partner', 'search_read', { domain: [], fields: ['name'] });
    await Promise.all([
      call('res.partner', 'load', { fields: ['name'], data: [['D'], ['E']] }),
      call('res.partner', 'load', { fields: ['name'], data: [['F'], ['G']] }),
    ]);
    const stats = sim.stats();
    assert.equal(stats.recordsCharged, 3 + 2 + 4);
    assert.equal(stats.recordWorkMs, 9);
    assert.equal(stats.calls, 5);
  });
});
