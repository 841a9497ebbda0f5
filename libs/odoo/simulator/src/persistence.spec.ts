// The simulator's data file: a database written by one process is the next one's, seed not re-applied,
// ids continuing where they were; a file of another database is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { type OdooSimulator, startOdooSimulator } from './index';

async function call<T>(sim: OdooSimulator, model: string, method: string, body: object): Promise<T> {
  const response = await fetch(`${sim.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: { Authorization: `bearer ${sim.apiKeys.write}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as T;
}

describe('Odoo simulator data file (ODOO_SIM_DATA_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-sim-data-'));
  const file = join(dir, 'odoo.json');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps records, external ids and sequences across processes, and the seed is applied once', async () => {
    const first = await startOdooSimulator({ dataFile: file });
    const seeded = first.store.count('res.partner');
    const [id] = await call<number[]>(first, 'res.partner', 'create', {
      vals_list: [{ name: 'Kept across restarts' }],
    });
    await call(first, 'ir.model.data', 'create', {
      vals_list: [{ module: 'tradewind', name: 'kept_partner', model: 'res.partner', res_id: id }],
    });
    const before = first.store.count('res.partner');
    await first.stop();

    const second = await startOdooSimulator({ dataFile: file });
    try {
      assert.equal(second.store.count('res.partner'), before);
      assert.ok(before >= seeded, 'the seed was not applied a second time');
      assert.equal(second.store.findByExternalId('tradewind.kept_partner')?.id, id);
      const found = await call<{ id: number; name: string }[]>(second, 'res.partner', 'search_read', {
        domain: [['name', '=', 'Kept across restarts']],
        fields: ['name'],
      });
      assert.deepEqual(found, [{ id, name: 'Kept across restarts' }]);
      const [next] = await call<number[]>(second, 'res.partner', 'create', { vals_list: [{ name: 'Next' }] });
      assert.ok(next > id, `ids continue (${next} after ${id})`);
    } finally {
      await second.stop();
    }
  });

  it("refuses a file that is not the simulator's, or of another database", async () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ format: 'something else' }));
    await assert.rejects(startOdooSimulator({ dataFile: other }), /not a simulator data file/);
    await assert.rejects(startOdooSimulator({ dataFile: file, db: 'elsewhere' }), /holds database tradewind/);
  });
});
