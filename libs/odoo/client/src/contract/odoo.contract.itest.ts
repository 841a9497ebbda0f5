// Contract of the Odoo APIs the platform relies on, written from Odoo's documentation and sources.
// Default: runs against the in-process simulator, once per API flavour. With ODOO_URL, ODOO_DB and
// ODOO_API_KEY (plus ODOO_API_FLAVOR, ODOO_LOGIN for JSON-RPC, ODOO_READONLY_API_KEY/ODOO_READONLY_LOGIN
// for the access test) it runs unchanged against a real Odoo; simulator-only checks (knobs) are skipped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { expectEventually, uniqueName } from '@tradewind/testing';

import { createOdooClient, OdooClient } from '../odoo.client';
import { OdooError, OdooErrorCode } from '../odoo.exception';
import { OdooApiFlavor } from '../odoo.types';

interface Target {
  url: string;
  db: string;
  apiKey: string;
  login?: string;
  readOnlyApiKey?: string;
  readOnlyLogin?: string;
}

const env = process.env;
const realOdoo: Target | undefined =
  env.ODOO_URL && env.ODOO_DB && env.ODOO_API_KEY
    ? {
        url: env.ODOO_URL,
        db: env.ODOO_DB,
        apiKey: env.ODOO_API_KEY,
        login: env.ODOO_LOGIN,
        readOnlyApiKey: env.ODOO_READONLY_API_KEY,
        readOnlyLogin: env.ODOO_READONLY_LOGIN,
      }
    : undefined;
const flavors: OdooApiFlavor[] = realOdoo
  ? [env.ODOO_API_FLAVOR === 'jsonrpc' ? 'jsonrpc' : 'json2']
  : ['json2', 'jsonrpc'];

async function failure(promise: Promise<unknown>): Promise<OdooError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OdooError, `expected an OdooError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

for (const flavor of flavors) {
  describe(`Odoo contract over ${flavor} (${realOdoo ? 'real Odoo' : 'simulator'})`, () => {
    let simulator: OdooSimulator | undefined;
    let target: Target;
    let odoo: OdooClient;
    const tag = uniqueName('tw_contract');
    const clientWith = (overrides: Partial<Target> & { timeoutMs?: number } = {}): OdooClient => {
      const settings = { ...target, ...overrides };
      return createOdooClient({ ...settings, apiFlavor: flavor, timeoutMs: overrides.timeoutMs ?? 15_000 });
    };
    const simulatorOnly = (): OdooSimulator | undefined => simulator;

    before(async () => {
      if (realOdoo) {
        target = realOdoo;
      } else {
        simulator = await startOdooSimulator({ port: 0 });
        target = {
          url: simulator.url,
          db: simulator.db,
          apiKey: simulator.apiKeys.write,
          login: simulator.logins.write,
          readOnlyApiKey: simulator.apiKeys.readOnly,
          readOnlyLogin: simulator.logins.readOnly,
        };
      }
      odoo = clientWith();
      assert.equal(await odoo.flavor(), flavor);
    });
    after(async () => {
      await simulator?.stop();
    });

    async function partners(count: number, prefix: string): Promise<number[]> {
      return odoo.create(
        'res.partner',
        Array.from({ length: count }, (_, i) => ({
          name: `${prefix} ${['alpha', 'beta', 'gamma', 'delta'][i % 4]} ${i}`,
          ref: `${prefix}-${i}`,
          email: `p${i}@${prefix}.example`,
          is_company: i % 2 === 0,
        })),
      );
    }

    async function product(prefix: string): Promise<number> {
      const [id] = await odoo.create('product.product', [
        { name: `${prefix} product`, default_code: `${prefix}-SKU`, list_price: 10 },
      ]);
      return id;
    }

    it('search_read honours domains (implicit AND, |, !, in, ilike), fields, limit, offset and order', async () => {
      const prefix = `${tag}_sr`;
      const ids = await partners(4, prefix);
      const mine = ['ref', '=like', `${prefix}-%`] as const;

      const byName = await odoo.searchRead('res.partner', [mine, ['name', 'ilike', 'ALPHA']], {
        fields: ['name', 'ref'],
      });
      assert.deepEqual(
        byName.map((r) => r.id),
        [ids[0]],
      );
      assert.deepEqual(Object.keys(byName[0]).sort(), ['id', 'name', 'ref']);

      const either = await odoo.search(
        'res.partner',
        ['&', mine, '|', ['ref', '=', `${prefix}-1`], ['email', '=', `p3@${prefix}.example`]],
        { order: 'id' },
      );
      assert.deepEqual(either, [ids[1], ids[3]]);

      const notCompanies = await odoo.search('res.partner', [mine, '!', ['is_company', '=', true]], {
        order: 'id',
      });
      assert.deepEqual(notCompanies, [ids[1], ids[3]]);

      const listed = await odoo.search('res.partner', [['id', 'in', [ids[2], ids[0]]]], { order: 'id desc' });
      assert.deepEqual(listed, [ids[2], ids[0]]);

      const page = await odoo.searchRead('res.partner', [mine], {
        fields: ['ref'],
        order: 'ref desc',
        limit: 2,
        offset: 1,
      });
      assert.deepEqual(
        page.map((r) => r.ref),
        [`${prefix}-2`, `${prefix}-1`],
      );

      assert.equal(await odoo.searchCount('res.partner', [mine, ['id', 'not in', [ids[0]]]]), 3);
    });

    it('create, write and read round-trip, with many2one as [id, name] and write_date maintained', async () => {
      const prefix = `${tag}_rt`;
      const [customer] = await partners(1, prefix);
      const productId = await product(prefix);
      const [orderId] = await odoo.create('sale.order', [
        {
          partner_id: customer,
          client_order_ref: `${prefix}-PO`,
          order_line: [[0, 0, { product_id: productId, product_uom_qty: 3, price_unit: 2.5 }]],
        },
      ]);
      const [order] = await odoo.read(
        'sale.order',
        [orderId],
        [
          'partner_id',
          'client_order_ref',
          'state',
          'order_line',
          'amount_untaxed',
          'create_date',
          'write_date',
        ],
      );
      assert.deepEqual(order.partner_id, [customer, `${prefix} alpha 0`]);
      assert.equal(order.state, 'draft');
      assert.equal((order.order_line as number[]).length, 1);
      assert.equal(order.amount_untaxed, 7.5);
      assert.match(String(order.create_date), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

      assert.equal(
        await odoo.write('sale.order', [orderId], {
          client_order_ref: `${prefix}-PO2`,
          order_line: [[1, (order.order_line as number[])[0], { product_uom_qty: 4 }]],
        }),
        true,
      );
      const [updated] = await odoo.read(
        'sale.order',
        [orderId],
        ['client_order_ref', 'amount_untaxed', 'write_date'],
      );
      assert.equal(updated.client_order_ref, `${prefix}-PO2`);
      assert.equal(updated.amount_untaxed, 10);
      assert.ok(String(updated.write_date) >= String(order.write_date));
    });

    it('load creates then updates by external id, returning the same id, with one ir.model.data row', async () => {
      const prefix = `${tag}_ld`;
      const xmlid = `tradewind_contract.${prefix}_partner`;
      const first = await odoo.load(
        'res.partner',
        ['id', 'name', 'ref'],
        [[xmlid, `${prefix} first`, `${prefix}-R`]],
      );
      assert.deepEqual(first.messages, []);
      assert.ok(first.ids && first.ids.length === 1);
      const second = await odoo.load(
        'res.partner',
        ['id', 'name', 'ref'],
        [[xmlid, `${prefix} second`, `${prefix}-R`]],
      );
      assert.deepEqual(second.ids, first.ids);
      const [record] = await odoo.read('res.partner', first.ids, ['name']);
      assert.equal(record.name, `${prefix} second`);
      const imd = await odoo.searchRead(
        'ir.model.data',
        [
          ['module', '=', 'tradewind_contract'],
          ['name', '=', `${prefix}_partner`],
        ],
        { fields: ['model', 'res_id'] },
      );
      assert.deepEqual(
        imd.map((r) => [r.model, r.res_id]),
        [['res.partner', first.ids[0]]],
      );
      if (simulator) assert.equal(simulator.store.countByExternalId(xmlid), 1);
    });

    it('load with a bad row returns ids false and messages, and writes nothing', async () => {
      const prefix = `${tag}_lb`;
      const result = await odoo.load(
        'res.partner',
        ['id', 'name', 'ref', 'parent_id/id'],
        [
          [`tradewind_contract.${prefix}_ok`, `${prefix} ok`, `${prefix}-OK`, ''],
          [
            `tradewind_contract.${prefix}_bad`,
            `${prefix} bad`,
            `${prefix}-BAD`,
            `tradewind_contract.${prefix}_missing_parent`,
          ],
        ],
      );
      assert.equal(result.ids, false);
      const errors = result.messages.filter((m) => m.type === 'error');
      assert.ok(errors.length >= 1);
      assert.equal(errors[0].record, 1);
      assert.deepEqual(errors[0].rows, { from: 1, to: 1 });
      assert.equal(errors[0].field, 'parent_id');
      assert.match(errors[0].message, /No matching record found for external id/);
      assert.equal(await odoo.searchCount('res.partner', [['ref', '=like', `${prefix}-%`]]), 0);
      assert.equal(
        await odoo.searchCount('ir.model.data', [
          ['module', '=', 'tradewind_contract'],
          ['name', 'like', prefix],
        ]),
        0,
      );
    });

    it('action_confirm twice raises the UserError Odoo raises for an order already confirmed', async () => {
      const prefix = `${tag}_ac`;
      const [customer] = await partners(1, prefix);
      const productId = await product(prefix);
      const [orderId] = await odoo.create('sale.order', [
        { partner_id: customer, order_line: [[0, 0, { product_id: productId, product_uom_qty: 1 }]] },
      ]);
      await odoo.callAction('sale.order', 'action_confirm', [orderId]);
      const [order] = await odoo.read('sale.order', [orderId], ['state']);
      assert.equal(order.state, 'sale');
      const error = await failure(odoo.callAction('sale.order', 'action_confirm', [orderId]));
      assert.equal(error.code, OdooErrorCode.VALIDATION);
      assert.equal(error.business, true);
      assert.equal(error.retryable, false);
      assert.equal(error.odooName, 'odoo.exceptions.UserError');
      assert.equal(error.odooMessage, 'Some orders are not in a state requiring confirmation.');
      assert.equal(error.httpStatus, flavor === 'json2' ? 422 : 200);
    });

    it('a missing required field is a ValidationError (business)', async () => {
      const error = await failure(odoo.create('sale.order', [{ client_order_ref: `${tag}_req` }]));
      assert.equal(error.code, OdooErrorCode.VALIDATION);
      assert.equal(error.odooName, 'odoo.exceptions.ValidationError');
      assert.match(error.odooMessage ?? '', /mandatory field is not set[\s\S]*partner_id/);
    });

    it('an unknown field is ValueError "Invalid field ... on model ..."', async () => {
      const error = await failure(odoo.create('res.partner', [{ name: `${tag} x`, x_no_such_field: 1 }]));
      assert.equal(error.code, OdooErrorCode.INVALID_REQUEST);
      assert.equal(error.odooName, 'builtins.ValueError');
      assert.equal(error.odooMessage, "Invalid field 'x_no_such_field' on model 'res.partner'");
      assert.equal(error.httpStatus, flavor === 'json2' ? 500 : 200);
    });

    it('an unknown model is refused (404 over JSON-2)', async () => {
      const error = await failure(odoo.search('x_no.such.model', []));
      assert.equal(error.code, OdooErrorCode.INVALID_REQUEST);
      if (flavor === 'json2') {
        assert.equal(error.httpStatus, 404);
        assert.equal(error.odooName, 'werkzeug.exceptions.NotFound');
        assert.equal(error.odooMessage, "the model 'x_no.such.model' does not exist");
      } else {
        assert.equal(error.odooName, 'odoo.exceptions.UserError');
        assert.equal(error.odooMessage, "Object x_no.such.model doesn't exist");
      }
    });

    it('private methods cannot be called remotely', async () => {
      const error = await failure(odoo.call('res.partner', '_compute_display_name', {}, { ids: [1] }));
      assert.equal(error.code, OdooErrorCode.ACCESS_DENIED);
      assert.equal(error.odooName, 'odoo.exceptions.AccessError');
      assert.match(
        error.odooMessage ?? '',
        /^Private methods \(such as .*_compute_display_name'?\) cannot be called remotely\.$/,
      );
    });

    it('a bad API key is AUTHENTICATION', async () => {
      const error = await failure(
        clientWith({ apiKey: 'definitely-not-a-valid-key' }).search('res.partner', [], { limit: 1 }),
      );
      assert.equal(error.code, OdooErrorCode.AUTHENTICATION);
      assert.equal(error.retryable, false);
      if (flavor === 'json2') {
        assert.equal(error.httpStatus, 401);
        assert.equal(error.odooMessage, 'Invalid apikey');
      }
    });

    it('a write with the read-only key is ACCESS_DENIED', async (t) => {
      if (!target.readOnlyApiKey) return t.skip('ODOO_READONLY_API_KEY not set');
      const reader = clientWith({ apiKey: target.readOnlyApiKey, login: target.readOnlyLogin });
      const [someone] = await reader.search('res.partner', [], { limit: 1 });
      const error = await failure(
        reader.write('res.partner', [someone], { comment: 'no' }).catch((e: unknown) => {
          // `comment` may not exist on trimmed models: fall back to a field every partner has
          if (e instanceof OdooError && e.code === OdooErrorCode.INVALID_REQUEST)
            return reader.write('res.partner', [someone], { name: 'no' });
          throw e;
        }),
      );
      assert.equal(error.code, OdooErrorCode.ACCESS_DENIED);
      assert.equal(error.odooName, 'odoo.exceptions.AccessError');
      assert.match(error.odooMessage ?? '', /not allowed to modify/);
    });

    it('posting a posted invoice raises Odoo\'s "already posted" UserError', async () => {
      const prefix = `${tag}_ap`;
      const [customer] = await partners(1, prefix);
      const productId = await product(prefix);
      const [moveId] = await odoo.create('account.move', [
        {
          move_type: 'out_invoice',
          partner_id: customer,
          invoice_line_ids: [[0, 0, { product_id: productId, quantity: 2, price_unit: 5 }]],
        },
      ]);
      await odoo.callAction('account.move', 'action_post', [moveId]);
      const error = await failure(odoo.callAction('account.move', 'action_post', [moveId]));
      assert.equal(error.code, OdooErrorCode.VALIDATION);
      assert.match(error.odooMessage ?? '', /^The entry .+ \(id \d+\) is already posted\.$/);
    });

    it('times out a slow call as TIMEOUT', async () => {
      simulatorOnly()?.setKnobs({ latencyMs: 400 });
      try {
        const error = await failure(
          clientWith({ timeoutMs: simulator ? 100 : 1 }).searchCount('res.partner', []),
        );
        assert.equal(error.code, OdooErrorCode.TIMEOUT);
        assert.equal(error.outcomeUnknown, true);
      } finally {
        const sim = simulatorOnly();
        sim?.setKnobs({ latencyMs: 0 });
        // the server still finishes the abandoned call: let it drain before the next test counts
        if (sim)
          await expectEventually(() => assert.equal(sim.stats().inFlight, 0), {
            timeoutMs: 5_000,
            intervalMs: 20,
          });
      }
    });

    it('beyond the concurrency ceiling calls get 503 / 429 with Retry-After (simulator knobs)', async (t) => {
      const sim = simulatorOnly();
      if (!sim) return t.skip('needs the simulator knobs');
      await odoo.searchCount('res.partner', []); // authenticated and warm before the burst
      try {
        sim.resetStats();
        sim.setKnobs({ latencyMs: 300, maxConcurrency: 2, retryAfterSeconds: 2, overloadStatus: 503 });
        const burst = await Promise.allSettled(
          Array.from({ length: 8 }, () => odoo.searchCount('res.partner', [])),
        );
        const refused = burst.flatMap((r) => (r.status === 'rejected' ? [r.reason as OdooError] : []));
        assert.ok(burst.filter((r) => r.status === 'fulfilled').length >= 2);
        assert.ok(refused.length >= 1);
        for (const error of refused) {
          assert.equal(error.code, OdooErrorCode.UNAVAILABLE);
          assert.equal(error.httpStatus, 503);
          assert.equal(error.retryAfterMs, 2_000);
          assert.equal(error.retryable, true);
        }
        const stats = sim.stats();
        assert.equal(stats.rejected, refused.length);
        assert.ok(stats.maxConcurrencyObserved <= 2);

        sim.setKnobs({ overloadStatus: 429 });
        const limited = await Promise.allSettled(
          Array.from({ length: 6 }, () => odoo.searchCount('res.partner', [])),
        );
        const rateLimited = limited.flatMap((r) => (r.status === 'rejected' ? [r.reason as OdooError] : []));
        assert.ok(rateLimited.length >= 1);
        assert.ok(
          rateLimited.every((e) => e.code === OdooErrorCode.RATE_LIMITED && e.retryAfterMs === 2_000),
        );
      } finally {
        sim.setKnobs({ latencyMs: 0, maxConcurrency: 0, overloadStatus: 503, retryAfterSeconds: 1 });
      }
    });

    it('an outage window answers 503 until it ends, and injected serialization failures are CONCURRENCY (simulator knobs)', async (t) => {
      const sim = simulatorOnly();
      if (!sim) return t.skip('needs the simulator knobs');
      try {
        sim.setKnobs({ outageForMs: 60_000 });
        const outage = await failure(odoo.searchCount('res.partner', []));
        assert.equal(outage.code, OdooErrorCode.UNAVAILABLE);
        assert.ok(outage.retryAfterMs! > 0 && outage.retryAfterMs! <= 60_000);
        sim.setKnobs({ outageUntil: null, errorRate: 1, errorKind: 'serialization' });
        const conflict = await failure(odoo.searchCount('res.partner', []));
        assert.equal(conflict.code, OdooErrorCode.CONCURRENCY);
        assert.equal(conflict.odooName, 'psycopg2.errors.SerializationFailure');
        assert.equal(conflict.retryable, true);
      } finally {
        sim.setKnobs({ outageUntil: null, errorRate: 0 });
      }
    });
  });
}
