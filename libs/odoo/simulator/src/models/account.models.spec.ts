// Accounting in the simulator as Odoo 17/18 behaves: taxes per line, totals as decimals, the name
// sequence on post, the register-payment wizard (partial, grouped, write-off) and payment_state.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { type OdooSimulator, startOdooSimulator } from '../index';

type Rec = { id: number } & Record<string, unknown>;

let sim: OdooSimulator;

class Refusal extends Error {
  constructor(
    readonly odooName: string,
    readonly odooMessage: string,
  ) {
    super(`${odooName}: ${odooMessage}`);
  }
}

async function rpc<T>(model: string, method: string, body: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${sim.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: { Authorization: `bearer ${sim.apiKeys.write}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const value = await response.json();
  if (!response.ok) {
    const error = value as { name: string; message: string };
    throw new Refusal(error.name, error.message);
  }
  return value as T;
}

const xmlid = (name: string): number => sim.store.findByExternalId(name)!.id;
const read = async (model: string, id: number, fields: string[]): Promise<Rec> =>
  (await rpc<Rec[]>(model, 'read', { ids: [id], fields }))[0];

async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Refusal, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

/** A posted customer invoice: lines of [quantity, price unit], each with the 10% sales tax. */
async function postedInvoice(
  lines: [number, number][],
  options: { partner?: string; type?: string } = {},
): Promise<number> {
  const [id] = await rpc<number[]>('account.move', 'create', {
    vals_list: [
      {
        move_type: options.type ?? 'out_invoice',
        partner_id: xmlid(options.partner ?? 'tradewind.customer_acme'),
        invoice_date: '2026-11-02',
        invoice_line_ids: lines.map(([quantity, priceUnit]) => [
          0,
          0,
          {
            product_id: xmlid('tradewind.product_sku_1001'),
            quantity,
            price_unit: priceUnit,
            tax_ids: [[6, 0, [xmlid('tradewind.tax_sale_10')]]],
          },
        ]),
      },
    ],
  });
  await rpc('account.move', 'action_post', { ids: [id] });
  return id;
}

async function pay(
  invoiceIds: number[],
  values: Record<string, unknown>,
): Promise<{ wizard: number; action: unknown }> {
  const context = { active_model: 'account.move', active_ids: invoiceIds };
  const [wizard] = await rpc<number[]>('account.payment.register', 'create', {
    vals_list: [values],
    context,
  });
  const action = await rpc('account.payment.register', 'action_create_payments', { ids: [wizard], context });
  return { wizard, action };
}

const MOVE_FIELDS = ['name', 'state', 'amount_untaxed', 'amount_tax', 'amount_total', 'amount_residual'];

before(async () => {
  sim = await startOdooSimulator();
});
after(() => sim.stop());
beforeEach(() => sim.reset());

describe('account.move', () => {
  it('rounds tax per line and sums as decimals (0.1 + 0.2 is 0.3), names the invoice on post', async () => {
    // 3 × 0.1 = 0.30 and 1 × 0.2: tax 0.03 + 0.02; a float sum would give 0.30000000000000004
    const id = await postedInvoice([
      [3, 0.1],
      [1, 0.2],
      [7, 19.99],
    ]);
    const move = await read('account.move', id, [...MOVE_FIELDS, 'payment_state', 'currency_id']);
    assert.match(String(move.name), /^INV\/2026\/\d{5}$/);
    assert.equal(move.amount_untaxed, 140.43);
    // 0.03 + 0.02 + 13.99 (139.93 × 10% = 13.993)
    assert.equal(move.amount_tax, 14.04);
    assert.equal(move.amount_total, 154.47);
    assert.equal(move.amount_residual, 154.47);
    assert.equal(move.payment_state, 'not_paid');
    assert.deepEqual(move.currency_id, [xmlid('base.USD'), 'USD']);
    const lines = await rpc<Rec[]>('account.move.line', 'search_read', {
      domain: [['move_id', '=', id]],
      fields: ['price_subtotal', 'price_total'],
      order: 'id',
    });
    assert.deepEqual(
      lines.map((line) => [line.price_subtotal, line.price_total]),
      [
        [0.3, 0.33],
        [0.2, 0.22],
        [139.93, 153.92],
      ],
    );
  });

  it('credit notes and bills have their own sequences; posting needs a partner and lines', async () => {
    const refund = await postedInvoice([[1, 10]], { type: 'out_refund' });
    assert.match(String((await read('account.move', refund, ['name'])).name), /^RINV\/2026\/00001$/);
    const [noPartner] = await rpc<number[]>('account.move', 'create', {
      vals_list: [{ move_type: 'out_invoice', invoice_line_ids: [[0, 0, { name: 'x', price_unit: 1 }]] }],
    });
    const error = await refusal(rpc('account.move', 'action_post', { ids: [noPartner] }));
    assert.equal(error.odooName, 'odoo.exceptions.UserError');
    assert.match(error.odooMessage, /The field 'Customer' is required/);
  });
});

describe('account.payment.register', () => {
  it('a partial payment leaves the rest due (partial), the rest pays it (paid)', async () => {
    const id = await postedInvoice([[10, 10]]); // 110.00
    const { action } = await pay([id], { amount: 40, communication: 'BANK-1', payment_date: '2026-11-20' });
    assert.equal((action as { res_model: string }).res_model, 'account.payment');
    let move = await read('account.move', id, ['amount_residual', 'payment_state']);
    assert.deepEqual([move.amount_residual, move.payment_state], [70, 'partial']);
    const [payment] = await rpc<Rec[]>('account.payment', 'search_read', {
      domain: [['memo', '=', 'BANK-1']],
      fields: ['amount', 'state', 'partner_id', 'payment_type', 'invoice_ids', 'date'],
    });
    assert.deepEqual(
      [payment.amount, payment.state, payment.payment_type, payment.invoice_ids, payment.date],
      [40, 'posted', 'inbound', [id], '2026-11-20'],
    );
    await pay([id], { communication: 'BANK-2' }); // default amount: the residual
    move = await read('account.move', id, ['amount_residual', 'payment_state']);
    assert.deepEqual([move.amount_residual, move.payment_state], [0, 'paid']);
    const error = await refusal(pay([id], {}));
    assert.match(error.odooMessage, /nothing left to pay/);
  });

  it('group_payment makes one payment for several invoices of a partner; without it one each', async () => {
    const a = await postedInvoice([[1, 100]]);
    const b = await postedInvoice([[1, 50]]);
    await pay([a, b], { group_payment: true, communication: 'GROUPED' });
    const grouped = await rpc<Rec[]>('account.payment', 'search_read', {
      domain: [['memo', '=', 'GROUPED']],
      fields: ['amount', 'invoice_ids', 'reconciled_invoice_ids'],
    });
    assert.equal(grouped.length, 1);
    assert.equal(grouped[0].amount, 165);
    assert.deepEqual(grouped[0].reconciled_invoice_ids, [a, b]);
    for (const id of [a, b]) {
      assert.equal((await read('account.move', id, ['payment_state'])).payment_state, 'paid');
    }
    const c = await postedInvoice([[1, 10]]);
    const d = await postedInvoice([[1, 20]]);
    await pay([c, d], { group_payment: false, communication: 'SPLIT' });
    const split = await rpc<Rec[]>('account.payment', 'search_read', {
      domain: [['memo', '=', 'SPLIT']],
      fields: ['amount'],
      order: 'amount',
    });
    assert.deepEqual(
      split.map((payment) => payment.amount),
      [11, 22],
    );
  });

  it('a difference marked as fully paid is written off (a gateway fee)', async () => {
    const id = await postedInvoice([[1, 100]]); // 110.00
    await pay([id], { amount: 106.5, payment_difference_handling: 'reconcile', writeoff_label: 'Fee' });
    const move = await read('account.move', id, ['amount_residual', 'payment_state']);
    assert.deepEqual([move.amount_residual, move.payment_state], [0, 'paid']);
  });

  it('refuses drafts, mixed directions and the wrong active model, with Odoo messages', async () => {
    const [draft] = await rpc<number[]>('account.move', 'create', {
      vals_list: [
        {
          move_type: 'out_invoice',
          partner_id: xmlid('tradewind.customer_acme'),
          invoice_line_ids: [[0, 0, { name: 'x', price_unit: 1 }]],
        },
      ],
    });
    assert.match((await refusal(pay([draft], {}))).odooMessage, /only register payment for posted/);
    const invoice = await postedInvoice([[1, 10]]);
    const refund = await postedInvoice([[1, 5]], { type: 'out_refund' });
    assert.match((await refusal(pay([invoice, refund], {}))).odooMessage, /all inbound, either all outbound/);
    const wrong = await refusal(
      rpc('account.payment.register', 'create', {
        vals_list: [{}],
        context: { active_model: 'sale.order', active_ids: [1] },
      }),
    );
    assert.match(wrong.odooMessage, /should only be called on account.move/);
  });

  it('a posted payment moves the invoice write_date (amount_residual is stored in Odoo)', async () => {
    const id = await postedInvoice([[1, 10]]);
    const payments = await rpc<number[]>('account.payment', 'create', {
      vals_list: [{ amount: 1, partner_id: xmlid('tradewind.customer_acme'), invoice_ids: [[6, 0, [id]]] }],
    });
    // the change is visible to a poller that filters on write_date: the move is among those written
    // since the payment's own creation
    const [{ create_date: since }] = await rpc<Rec[]>('account.payment', 'read', {
      ids: payments,
      fields: ['create_date'],
    });
    await rpc('account.payment', 'action_post', { ids: payments });
    const changed = await rpc<number[]>('account.move', 'search', {
      domain: [
        ['write_date', '>=', since],
        ['payment_state', '=', 'partial'],
      ],
    });
    assert.deepEqual(changed, [id]);
  });
});
