// The simulator's Odoo semantics beyond the client contract: seed, domains, state machines, load with
// lines, one transaction per call, and the admin routes.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { type OdooSimulator, startOdooSimulator } from './index';

/** A JSON-2 error answer (the client library is not used here: it depends on this one in its tests). */
class Json2Failure extends Error {
  constructor(
    readonly status: number,
    readonly odooName: string,
    readonly odooMessage: string,
  ) {
    super(`${status} ${odooName}: ${odooMessage}`);
  }
}

type Rec = { id: number } & Record<string, unknown>;
type Domain = unknown[];

let sim: OdooSimulator;

async function rpc<T>(model: string, method: string, body: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${sim.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: { Authorization: `bearer ${sim.apiKeys.write}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const value = await response.json();
  if (!response.ok) {
    const error = value as { name: string; message: string };
    throw new Json2Failure(response.status, error.name, error.message);
  }
  return value as T;
}

const odoo = {
  searchRead: (model: string, domain: Domain, options: Record<string, unknown> = {}) =>
    rpc<Rec[]>(model, 'search_read', { domain, ...options }),
  search: (model: string, domain: Domain) => rpc<number[]>(model, 'search', { domain }),
  searchCount: (model: string, domain: Domain) => rpc<number>(model, 'search_count', { domain }),
  read: (model: string, ids: number[], fields: string[]) => rpc<Rec[]>(model, 'read', { ids, fields }),
  create: (model: string, valsList: Record<string, unknown>[]) =>
    rpc<number[]>(model, 'create', { vals_list: valsList }),
  unlink: (model: string, ids: number[]) => rpc<boolean>(model, 'unlink', { ids }),
  load: (model: string, fields: string[], data: unknown[][]) =>
    rpc<{ ids: number[] | false; messages: { field?: string; message: string; rows?: unknown }[] }>(
      model,
      'load',
      {
        fields,
        data,
      },
    ),
  callAction: (model: string, method: string, ids: number[]) => rpc<unknown>(model, method, { ids }),
  write: (model: string, ids: number[], vals: Record<string, unknown>) =>
    rpc<boolean>(model, 'write', { ids, vals }),
  call: (model: string, method: string, params: Record<string, unknown>, options: { ids: number[] }) =>
    rpc<unknown>(model, method, { ids: options.ids, ...params }),
};

async function failure(promise: Promise<unknown>): Promise<Json2Failure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Json2Failure, String(error));
    return error;
  }
  assert.fail('expected a failure');
}

const xmlidOf = (name: string): number => sim.store.findByExternalId(name)!.id;

before(async () => {
  sim = await startOdooSimulator();
});
after(() => sim.stop());
beforeEach(() => sim.reset());

describe('seed', () => {
  it("loads each customer's delivery addresses as child contacts of type delivery", async () => {
    const [site] = await odoo.searchRead(
      'res.partner',
      [['id', '=', xmlidOf('tradewind.delivery_bolt_riverside')]],
      {
        fields: ['type', 'parent_id', 'display_name'],
      },
    );
    assert.equal(site.type, 'delivery');
    assert.equal((site.parent_id as [number, string])[0], xmlidOf('tradewind.customer_bolt'));
    assert.equal(site.display_name, 'Bolt & Co Builders, Riverside Site');
    const [company] = await odoo.searchRead(
      'res.partner',
      [['id', '=', xmlidOf('tradewind.customer_bolt')]],
      {
        fields: ['type'],
      },
    );
    assert.equal(company.type, 'contact');
  });

  it('loads warehouse, products, quants, customers and the B2B price list under their external ids', async () => {
    assert.equal(sim.store.countByExternalId('tradewind.product_sku_'), 8);
    assert.equal(sim.store.countByExternalId('tradewind.customer_'), 5);
    const [bolt] = await odoo.searchRead('product.product', [['barcode', '=', '00012345600012']], {
      fields: ['default_code', 'list_price', 'qty_available', 'display_name'],
    });
    assert.deepEqual(
      { sku: bolt.default_code, price: bolt.list_price, onHand: bolt.qty_available, name: bolt.display_name },
      // Every warehouse's stock: 50,000 in MAIN and 8,000 in EAST.
      { sku: 'SKU-1001', price: 0.45, onHand: 58000, name: '[SKU-1001] Stainless Bolt M8' },
    );
    const items = await odoo.searchRead(
      'product.pricelist.item',
      [['pricelist_id', '=', xmlidOf('tradewind.pricelist_b2b')]],
      {
        fields: ['product_id', 'fixed_price'],
        order: 'fixed_price',
      },
    );
    assert.deepEqual(
      items.map((i) => i.fixed_price),
      [0.4, 82, 310],
    );
    const warehouses = await odoo.searchRead('stock.warehouse', [], { fields: ['code', 'lot_stock_id'] });
    assert.deepEqual(
      warehouses.map((w) => [w.code, w.lot_stock_id]),
      [
        ['MAIN', [xmlidOf('tradewind.loc_main_stock'), 'MAIN/Stock']],
        ['EAST', [xmlidOf('tradewind.loc_east_stock'), 'EAST/Stock']],
      ],
    );
  });
});

describe('domains', () => {
  it('!= and not in keep empty values, > drops them, =like anchors, dotted paths follow relations', async () => {
    const ids = await odoo.create('res.partner', [
      { name: 'D1', ref: 'D-1', email: 'a@x' },
      { name: 'D2', ref: 'D-2' },
    ]);
    const mine = ['ref', '=like', 'D-%'] as const;
    assert.deepEqual(await odoo.search('res.partner', [mine, ['email', '!=', 'a@x']]), [ids[1]]);
    assert.deepEqual(await odoo.search('res.partner', [mine, ['email', 'not in', ['a@x']]]), [ids[1]]);
    assert.deepEqual(await odoo.search('res.partner', [mine, ['email', '=', false]]), [ids[1]]);
    assert.equal(await odoo.searchCount('product.product', [['list_price', '>', 50]]), 2);
    const quants = await odoo.search('stock.quant', [
      ['product_id.default_code', '=', 'SKU-4001'],
      ['location_id', 'child_of', xmlidOf('tradewind.loc_main_stock')],
    ]);
    assert.equal(quants.length, 1);
    const error = await failure(odoo.search('res.partner', [['nope', '=', 1]]));
    assert.equal(error.odooMessage, "Invalid field res.partner.nope in leaf ('nope', '=', 1)");
  });

  it('a search an index narrows (id, a many2one, ir.model.data) finds what a scan of the table finds', async () => {
    const [parent] = await odoo.create('res.partner', [{ name: 'Ix parent' }]);
    const ids = await odoo.create('res.partner', [
      { name: 'Ix A', parent_id: parent, email: 'a@x' },
      { name: 'Ix B', parent_id: parent, active: false },
      { name: 'Ix C' },
    ]);
    await odoo.create(
      'ir.model.data',
      ids.map((id, k) => ({ module: 'ixtest', name: `p_${k}`, model: 'res.partner', res_id: id })),
    );
    // '&' with the true leaf first is not a plain AND of leaves: the simulator scans.
    const scanned = (domain: Domain) => odoo.search('res.partner', ['&', [1, '=', 1], ...domain]);
    const domains: Domain[] = [
      [['id', 'in', [...ids, 999_999]]],
      [['id', '=', ids[1]]],
      [['id', 'in', []]],
      [['parent_id', '=', parent]],
      [
        ['parent_id', 'in', [parent, 999_999]],
        ['email', 'in', [false, 'a@x']],
      ],
      [
        ['parent_id', 'in', [parent]],
        ['active', 'in', [true, false]],
      ],
    ];
    for (const domain of domains) {
      const indexed = await odoo.search('res.partner', domain);
      assert.deepEqual(indexed, await scanned(domain), JSON.stringify(domain));
    }
    assert.deepEqual(await odoo.search('res.partner', [['parent_id', '=', parent]]), [ids[0]]); // active only
    const byName = await odoo.searchRead(
      'ir.model.data',
      [
        ['module', '=', 'ixtest'],
        ['name', 'in', ['p_0', 'p_2', 'p_9']],
      ],
      { fields: ['res_id'] },
    );
    assert.deepEqual(
      byName.map((row) => row.res_id),
      [ids[0], ids[2]],
    );
    const byTarget = await odoo.search('ir.model.data', [
      ['model', '=', 'res.partner'],
      ['res_id', 'in', [ids[1], ids[2]]],
    ]);
    assert.equal(byTarget.length, 2);
    await odoo.unlink('ir.model.data', byTarget.slice(0, 1));
    assert.equal(
      (
        await odoo.search('ir.model.data', [
          ['model', '=', 'res.partner'],
          ['res_id', 'in', [ids[1], ids[2]]],
        ])
      ).length,
      1,
    );
  });
});

describe('state machines', () => {
  it('confirming a sale reserves a delivery; button_validate moves the stock and sets delivered quantities', async () => {
    const product = xmlidOf('tradewind.product_sku_2001');
    const [order] = await odoo.create('sale.order', [
      {
        partner_id: xmlidOf('tradewind.customer_acme'),
        pricelist_id: xmlidOf('tradewind.pricelist_b2b'),
        order_line: [[0, 0, { product_id: product, product_uom_qty: 10 }]],
      },
    ]);
    const [line] = await odoo.searchRead('sale.order.line', [['order_id', '=', order]], {
      fields: ['price_unit'],
    });
    assert.equal(line.price_unit, 82, 'B2B fixed price');
    await odoo.callAction('sale.order', 'action_confirm', [order]);
    const [picking] = await odoo.searchRead('stock.picking', [['sale_id', '=', order]], {
      fields: ['state', 'picking_type_code'],
    });
    assert.deepEqual([picking.state, picking.picking_type_code], ['assigned', 'outgoing']);
    // 400 in MAIN (where the order ships from) and 120 in EAST.
    const [reserved] = await odoo.read('product.product', [product], ['qty_available', 'free_qty']);
    assert.deepEqual([reserved.qty_available, reserved.free_qty], [520, 510]);
    assert.equal(await odoo.callAction('stock.picking', 'button_validate', [picking.id]), true);
    const [after] = await odoo.read('product.product', [product], ['qty_available', 'free_qty']);
    assert.deepEqual([after.qty_available, after.free_qty], [510, 510]);
    const [delivered] = await odoo.read('sale.order.line', [line.id], ['qty_delivered']);
    assert.equal(delivered.qty_delivered, 10);
    const refused = await failure(odoo.unlink('sale.order', [order]));
    assert.deepEqual([refused.status, refused.odooName], [422, 'odoo.exceptions.UserError']);
  });

  it('a partial delivery answers the backorder wizard; process validates it and leaves a reserved backorder', async () => {
    const product = xmlidOf('tradewind.product_sku_1001');
    const [order] = await odoo.create('sale.order', [
      {
        partner_id: xmlidOf('tradewind.customer_acme'),
        order_line: [[0, 0, { product_id: product, product_uom_qty: 10 }]],
      },
    ]);
    await odoo.callAction('sale.order', 'action_confirm', [order]);
    const [picking] = await odoo.searchRead('stock.picking', [['sale_id', '=', order]], {
      fields: ['move_ids'],
    });
    const [move] = picking.move_ids as number[];
    const [before] = await odoo.read('product.product', [product], ['qty_available', 'free_qty']);
    await odoo.write('stock.move', [move], { quantity: 6, picked: true });
    await odoo.write('stock.picking', [picking.id], { carrier_tracking_ref: 'TRK-1' });
    const action = (await odoo.callAction('stock.picking', 'button_validate', [picking.id])) as {
      res_model: string;
      context: Record<string, unknown>;
    };
    assert.equal(action.res_model, 'stock.backorder.confirmation');
    const [state] = await odoo.read('stock.picking', [picking.id], ['state']);
    assert.equal(state.state, 'assigned', 'nothing validated before the wizard answers');
    const [wizard] = await odoo.create('stock.backorder.confirmation', [
      { pick_ids: [[6, 0, [picking.id]]] },
    ]);
    assert.equal(
      await odoo.call(
        'stock.backorder.confirmation',
        'process',
        { context: action.context },
        { ids: [wizard] },
      ),
      true,
    );
    const pickings = await odoo.searchRead('stock.picking', [['sale_id', '=', order]], {
      fields: ['state', 'backorder_id', 'carrier_tracking_ref'],
    });
    const done = pickings.find((p) => p.id === picking.id)!;
    const backorder = pickings.find((p) => p.id !== picking.id)!;
    assert.deepEqual([done.state, done.carrier_tracking_ref], ['done', 'TRK-1']);
    assert.equal(backorder.state, 'assigned');
    assert.equal((backorder.backorder_id as [number, string])[0], picking.id);
    const moves = await odoo.searchRead('stock.move', [['picking_id', 'in', [picking.id, backorder.id]]], {
      fields: ['picking_id', 'product_uom_qty', 'quantity', 'state'],
    });
    assert.deepEqual(
      moves.map((m) => [(m.picking_id as [number, string])[0], m.product_uom_qty, m.quantity, m.state]),
      [
        [picking.id, 6, 6, 'done'],
        [backorder.id, 4, 4, 'assigned'],
      ],
    );
    const [line] = await odoo.searchRead('sale.order.line', [['order_id', '=', order]], {
      fields: ['qty_delivered'],
    });
    assert.equal(line.qty_delivered, 6);
    // 6 left the warehouse; 4 are still reserved (by the backorder), nothing is reserved twice.
    const [after] = await odoo.read('product.product', [product], ['qty_available', 'free_qty']);
    assert.deepEqual(
      [after.qty_available, after.free_qty],
      [Number(before.qty_available) - 6, Number(before.free_qty)],
    );
    assert.equal(await odoo.callAction('stock.picking', 'button_validate', [backorder.id]), true);
    const [last] = await odoo.read('sale.order.line', [line.id], ['qty_delivered']);
    assert.equal(last.qty_delivered, 10);
  });

  it('cancelling a partly delivered order keeps the done delivery, cancels the backorder, moves write_date', async () => {
    const product = xmlidOf('tradewind.product_sku_1001');
    const [order] = await odoo.create('sale.order', [
      {
        partner_id: xmlidOf('tradewind.customer_acme'),
        order_line: [[0, 0, { product_id: product, product_uom_qty: 10 }]],
      },
    ]);
    await odoo.callAction('sale.order', 'action_confirm', [order]);
    const [picking] = await odoo.searchRead('stock.picking', [['sale_id', '=', order]], {
      fields: ['move_ids'],
    });
    await odoo.write('stock.move', picking.move_ids as number[], { quantity: 6, picked: true });
    const action = (await odoo.callAction('stock.picking', 'button_validate', [picking.id])) as {
      context: Record<string, unknown>;
    };
    const [wizard] = await odoo.create('stock.backorder.confirmation', [
      { pick_ids: [[6, 0, [picking.id]]] },
    ]);
    await odoo.call(
      'stock.backorder.confirmation',
      'process',
      { context: action.context },
      { ids: [wizard] },
    );
    const [{ write_date: confirmedAt }] = await odoo.read('sale.order', [order], ['write_date']);
    await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 5));

    assert.equal(await odoo.callAction('sale.order', 'action_cancel', [order]), true);
    const pickings = await odoo.searchRead('stock.picking', [['sale_id', '=', order]], {
      fields: ['state'],
      order: 'id asc',
    });
    assert.deepEqual(
      pickings.map((p) => p.state),
      ['done', 'cancel'],
    );
    const [line] = await odoo.searchRead('sale.order.line', [['order_id', '=', order]], {
      fields: ['qty_delivered'],
    });
    assert.equal(line.qty_delivered, 6, 'what shipped stays delivered');
    // A poller of cancelled orders by write_date sees it.
    const seen = await odoo.search('sale.order', [
      ['state', '=', 'cancel'],
      ['write_date', '>', confirmedAt],
    ]);
    assert.deepEqual(seen, [order]);
  });

  it('a purchase receipt adds stock; a posted payment pays the invoice', async () => {
    const product = xmlidOf('tradewind.product_sku_4001');
    const [po] = await odoo.create('purchase.order', [
      {
        partner_id: xmlidOf('tradewind.customer_bolt'),
        order_line: [[0, 0, { product_id: product, product_qty: 5, price_unit: 200 }]],
      },
    ]);
    await odoo.callAction('purchase.order', 'button_confirm', [po]);
    const [receipt] = await odoo.search('stock.picking', [['purchase_id', '=', po]]);
    await odoo.callAction('stock.picking', 'button_validate', [receipt]);
    assert.equal((await odoo.read('product.product', [product], ['qty_available']))[0].qty_available, 30);

    const [invoice] = await odoo.create('account.move', [
      {
        move_type: 'out_invoice',
        partner_id: xmlidOf('tradewind.customer_acme'),
        invoice_line_ids: [[0, 0, { product_id: product, quantity: 1, price_unit: 310 }]],
      },
    ]);
    assert.equal(await odoo.callAction('account.move', 'action_post', [invoice]), false);
    const [payment] = await odoo.create('account.payment', [
      { amount: 310, partner_id: xmlidOf('tradewind.customer_acme'), invoice_ids: [[6, 0, [invoice]]] },
    ]);
    await odoo.callAction('account.payment', 'action_post', [payment]);
    const [paid] = await odoo.read(
      'account.move',
      [invoice],
      ['name', 'state', 'payment_state', 'amount_residual'],
    );
    assert.match(String(paid.name), /^INV\/\d{4}\/00001$/);
    assert.deepEqual([paid.state, paid.payment_state, paid.amount_residual], ['posted', 'paid', 0]);
  });
});

describe('purchasing as Odoo 17/18 has it', () => {
  it("a line takes the vendor's price and lead time (product.supplierinfo); a pack unit converts in the receipt", async () => {
    const vendor = xmlidOf('tradewind.vendor_boltworks');
    const bolt = xmlidOf('tradewind.product_sku_1001');
    const nut = xmlidOf('tradewind.product_sku_1002');
    const [info] = await odoo.searchRead('product.supplierinfo', [['product_id', '=', bolt]], {
      fields: ['partner_id', 'product_code', 'delay', 'price', 'min_qty'],
    });
    assert.deepEqual(
      [info.product_code, info.delay, info.price, (info.partner_id as [number, string])[0]],
      ['BW-SB-M8', 7, 0.21, vendor],
    );
    const [po] = await odoo.create('purchase.order', [
      {
        partner_id: vendor,
        date_order: '2026-12-01 08:00:00',
        order_line: [
          [0, 0, { product_id: bolt, product_qty: 100 }],
          [0, 0, { product_id: nut, product_qty: 2, product_uom: xmlidOf('uom.product_uom_dozen') }],
        ],
      },
    ]);
    const lines = await odoo.searchRead('purchase.order.line', [['order_id', '=', po]], {
      fields: ['price_unit', 'date_planned', 'product_uom_qty', 'state'],
      order: 'id',
    });
    assert.deepEqual(
      lines.map((l) => [l.price_unit, l.date_planned, l.product_uom_qty, l.state]),
      [
        [0.21, '2026-12-08 08:00:00', 100, 'draft'],
        [0.9, '2026-12-11 08:00:00', 24, 'draft'],
      ],
    );
    await odoo.callAction('purchase.order', 'button_confirm', [po]);
    const [receipt] = await odoo.search('stock.picking', [['purchase_id', '=', po]]);
    const moves = await odoo.searchRead('stock.move', [['picking_id', '=', receipt]], {
      fields: ['product_uom_qty'],
      order: 'id',
    });
    assert.deepEqual(
      moves.map((m) => m.product_uom_qty),
      [100, 24],
    );
  });

  it("a line's quantity, price or planned date changes the order's write_date; button_done locks it", async () => {
    const [po] = await odoo.create('purchase.order', [
      {
        partner_id: xmlidOf('tradewind.vendor_boltworks'),
        order_line: [[0, 0, { product_id: xmlidOf('tradewind.product_sku_1001'), product_qty: 10 }]],
      },
    ]);
    await odoo.callAction('purchase.order', 'button_confirm', [po]);
    // An old write_date (the test cannot wait a second for the clock to move).
    await rpc('purchase.order', 'write', { ids: [po], vals: { write_date: '2000-01-01 00:00:00' } });
    const [line] = await odoo.search('purchase.order.line', [['order_id', '=', po]]);
    await rpc('purchase.order.line', 'write', { ids: [line], vals: { name: 'only the description' } });
    assert.equal(
      (await odoo.read('purchase.order', [po], ['write_date']))[0].write_date,
      '2000-01-01 00:00:00',
    );
    await rpc('purchase.order.line', 'write', { ids: [line], vals: { product_qty: 12 } });
    assert.notEqual(
      (await odoo.read('purchase.order', [po], ['write_date']))[0].write_date,
      '2000-01-01 00:00:00',
    );
    await odoo.callAction('purchase.order', 'button_done', [po]);
    assert.equal((await odoo.read('purchase.order', [po], ['state']))[0].state, 'done');
    await odoo.callAction('purchase.order', 'button_unlock', [po]);
    assert.equal((await odoo.read('purchase.order', [po], ['state']))[0].state, 'purchase');
  });

  it('a bill line linked to the order line counts in qty_invoiced (a draft too, a cancelled one not); a bill needs its date to post', async () => {
    const vendor = xmlidOf('tradewind.vendor_boltworks');
    const bolt = xmlidOf('tradewind.product_sku_1001');
    const [po] = await odoo.create('purchase.order', [
      { partner_id: vendor, order_line: [[0, 0, { product_id: bolt, product_qty: 10, price_unit: 0.21 }]] },
    ]);
    await odoo.callAction('purchase.order', 'button_confirm', [po]);
    const [receipt] = await odoo.search('stock.picking', [['purchase_id', '=', po]]);
    await odoo.callAction('stock.picking', 'button_validate', [receipt]);
    const [line] = await odoo.search('purchase.order.line', [['order_id', '=', po]]);
    const billed = async () =>
      (await odoo.read('purchase.order.line', [line], ['qty_received', 'qty_invoiced', 'qty_to_invoice']))[0];
    assert.deepEqual(
      [(await billed()).qty_received, (await billed()).qty_invoiced, (await billed()).qty_to_invoice],
      [10, 0, 10],
    );
    assert.equal(
      (await odoo.read('purchase.order', [po], ['invoice_status']))[0].invoice_status,
      'to invoice',
    );
    const [bill] = await odoo.create('account.move', [
      {
        move_type: 'in_invoice',
        partner_id: vendor,
        ref: 'BW-INV-1',
        invoice_line_ids: [
          [0, 0, { product_id: bolt, quantity: 6, price_unit: 0.21, purchase_line_id: line }],
        ],
      },
    ]);
    assert.equal((await billed()).qty_invoiced, 6);
    const undated = await failure(odoo.callAction('account.move', 'action_post', [bill]));
    assert.match(String(undated.message), /Bill\/Refund date is required/);
    await rpc('account.move', 'write', { ids: [bill], vals: { invoice_date: '2026-12-01' } });
    await odoo.callAction('account.move', 'action_post', [bill]);
    assert.match(String((await odoo.read('account.move', [bill], ['name']))[0].name), /^BILL\/2026\/\d{5}$/);
    const [second] = await odoo.create('account.move', [
      {
        move_type: 'in_invoice',
        partner_id: vendor,
        invoice_date: '2026-12-02',
        invoice_line_ids: [
          [0, 0, { product_id: bolt, quantity: 4, price_unit: 0.21, purchase_line_id: line }],
        ],
      },
    ]);
    assert.deepEqual([(await billed()).qty_invoiced, (await billed()).qty_to_invoice], [10, 0]);
    assert.equal((await odoo.read('purchase.order', [po], ['invoice_status']))[0].invoice_status, 'invoiced');
    await odoo.callAction('account.move', 'button_cancel', [second]);
    assert.equal((await billed()).qty_invoiced, 6);
  });
});

describe('transactions and load', () => {
  it('a failing call writes nothing (one transaction per call)', async () => {
    const before = sim.store.count('sale.order.line');
    const error = await failure(
      odoo.create('sale.order', [
        {
          partner_id: xmlidOf('tradewind.customer_acme'),
          order_line: [
            [0, 0, { product_id: xmlidOf('tradewind.product_sku_1001') }],
            [0, 0, { product_id: 999_999 }],
          ],
        },
      ]),
    );
    assert.deepEqual([error.status, error.odooName], [422, 'odoo.exceptions.ValidationError']);
    assert.equal(sim.store.count('sale.order.line'), before);
    assert.equal(await odoo.searchCount('sale.order', []), 0);
  });

  it('load upserts an order and its lines by external id without duplicating lines', async () => {
    const fields = [
      'id',
      'partner_id/id',
      'client_order_ref',
      'order_line/id',
      'order_line/product_id/id',
      'order_line/product_uom_qty',
    ];
    const rows = (qty: string): string[][] => [
      ['tw.so_9', 'tradewind.customer_globex', 'PO-9', 'tw.so_9_l1', 'tradewind.product_sku_1001', qty],
      ['', '', '', 'tw.so_9_l2', 'tradewind.product_sku_3001', '4'],
    ];
    const first = await odoo.load('sale.order', fields, rows('100'));
    assert.deepEqual(first.messages, []);
    const second = await odoo.load('sale.order', fields, rows('120'));
    assert.deepEqual(second.ids, first.ids);
    const lines = await odoo.searchRead('sale.order.line', [['order_id', '=', (first.ids as number[])[0]]], {
      fields: ['product_uom_qty'],
      order: 'id',
    });
    assert.deepEqual(
      lines.map((l) => l.product_uom_qty),
      [120, 4],
    );
    assert.equal(sim.store.countByExternalId('tw.so_9'), 3);
  });

  it('load takes a many2one by database id as `field/.id` and as `field.id` (fix_import_export_id_paths)', async () => {
    const [globex] = await odoo.searchRead('res.partner', [['ref', '=', 'CUST-GLOBEX']], { fields: ['id'] });
    for (const column of ['partner_id/.id', 'partner_id.id']) {
      const result = await odoo.load(
        'sale.order',
        ['id', column, 'client_order_ref'],
        [[`tw.so_dbid_${column.length}`, String(globex.id), 'PO-DBID']],
      );
      assert.deepEqual(result.messages, [], column);
      const [order] = await odoo.searchRead('sale.order', [['id', '=', (result.ids as number[])[0]]], {
        fields: ['partner_id'],
      });
      assert.deepEqual((order.partner_id as unknown[])[0], globex.id, column);
    }
  });

  it('load reports conversion errors per cell with the human field name', async () => {
    const result = await odoo.load('product.product', ['id', 'name', 'list_price'], [['tw.p1', 'P1', 'abc']]);
    assert.equal(result.ids, false);
    assert.deepEqual(
      result.messages.map((m) => [m.field, m.message, m.rows]),
      [['list_price', "'abc' does not seem to be a number for field 'Sales Price'", { from: 0, to: 0 }]],
    );
  });
});

describe('admin routes and counters', () => {
  it('sets knobs, counts calls per method and lists records by external id over HTTP', async () => {
    const knobs = (await (
      await fetch(`${sim.url}/_sim/knobs`, { method: 'POST', body: JSON.stringify({ latencyMs: 5 }) })
    ).json()) as { latencyMs: number };
    assert.equal(knobs.latencyMs, 5);
    sim.resetStats();
    await odoo.searchCount('res.partner', []);
    await odoo.searchCount('res.partner', []);
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as {
      calls: number;
      callsByMethod: Record<string, number>;
    };
    assert.equal(stats.calls, 2);
    assert.equal(stats.callsByMethod['res.partner.search_count'], 2);
    const listing = (await (
      await fetch(`${sim.url}/_sim/records/res.partner?external_id=tradewind.customer_`)
    ).json()) as {
      count: number;
      records: { external_id: string; ref: string }[];
    };
    assert.equal(listing.count, 5);
    assert.ok(
      listing.records.some((r) => r.external_id === 'tradewind.customer_acme' && r.ref === 'CUST-ACME'),
    );
    const bad = await fetch(`${sim.url}/_sim/knobs`, {
      method: 'POST',
      body: JSON.stringify({ errorRate: 2 }),
    });
    assert.equal(bad.status, 400);
    sim.setKnobs({ latencyMs: 0 });
  });
});

describe('stock as Odoo 17/18 computes it', () => {
  const QTY = ['qty_available', 'free_qty', 'incoming_qty', 'outgoing_qty', 'virtual_available'];
  const quantities = async (product: number, context: Record<string, unknown> = {}) => {
    const [row] = await rpc<Rec[]>('product.product', 'read', { ids: [product], fields: QTY, context });
    return QTY.map((f) => row[f]);
  };
  const warehouseId = async (code: string): Promise<number> =>
    (await odoo.search('stock.warehouse', [['code', '=', code]]))[0];

  it('counts per warehouse or location from the context, every warehouse without one', async () => {
    const drill = xmlidOf('tradewind.product_sku_2001');
    const main = await warehouseId('MAIN');
    const east = await warehouseId('EAST');
    assert.deepEqual(await quantities(drill), [520, 520, 0, 0, 520]);
    assert.deepEqual(await quantities(drill, { warehouse: main }), [400, 400, 0, 0, 400]);
    assert.deepEqual(await quantities(drill, { warehouse: [east] }), [120, 120, 0, 0, 120]);
    // A warehouse by name (ilike), a location by id, and a location outside the named warehouse.
    assert.deepEqual((await quantities(drill, { warehouse: 'east distribution' }))[0], 120);
    assert.deepEqual((await quantities(drill, { location: xmlidOf('tradewind.loc_main_stock') }))[0], 400);
    assert.deepEqual(
      (await quantities(drill, { warehouse: east, location: xmlidOf('tradewind.loc_main_stock') }))[0],
      0,
    );
    // The view location holds nothing itself: `strict` leaves out its children.
    const [view] = await odoo.read('stock.warehouse', [main], ['view_location_id']);
    const viewId = (view.view_location_id as [number, string])[0];
    assert.equal((await quantities(drill, { location: viewId }))[0], 400);
    assert.equal((await quantities(drill, { location: viewId, strict: true }))[0], 0);
    const [quant] = await odoo.searchRead(
      'stock.quant',
      [
        ['product_id', '=', drill],
        ['warehouse_id', '=', east],
      ],
      {
        fields: ['quantity', 'warehouse_id', 'location_id'],
      },
    );
    assert.deepEqual([quant.quantity, quant.warehouse_id], [120, [east, 'East Distribution Center']]);
  });

  it('free_qty nets reservations and virtual_available the open moves, in and out', async () => {
    const drill = xmlidOf('tradewind.product_sku_2001');
    const main = await warehouseId('MAIN');
    const [order] = await odoo.create('sale.order', [
      {
        partner_id: xmlidOf('tradewind.customer_acme'),
        warehouse_id: main,
        order_line: [[0, 0, { product_id: drill, product_uom_qty: 30 }]],
      },
    ]);
    await odoo.callAction('sale.order', 'action_confirm', [order]);
    const [po] = await odoo.create('purchase.order', [
      {
        partner_id: xmlidOf('tradewind.customer_bolt'),
        order_line: [[0, 0, { product_id: drill, product_qty: 50, price_unit: 60 }]],
      },
    ]);
    await odoo.callAction('purchase.order', 'button_confirm', [po]);
    // qty, free (30 reserved), incoming 50, outgoing 30, forecast 400 + 50 - 30.
    assert.deepEqual(await quantities(drill, { warehouse: main }), [400, 370, 50, 30, 420]);
    assert.deepEqual(
      await quantities(drill, { warehouse: await warehouseId('EAST') }),
      [120, 120, 0, 0, 120],
    );
  });

  it('applies an inventory adjustment: counted quantity in inventory mode, then action_apply_inventory', async () => {
    const bolt = xmlidOf('tradewind.product_sku_1001');
    const location = xmlidOf('tradewind.loc_east_stock');
    const inventoryMode = { inventory_mode: true, inventory_name: 'WMS count 2026-12-01' };
    // In inventory mode a count goes onto the existing quant instead of making a second one.
    const created = await rpc<number[]>('stock.quant', 'create', {
      vals_list: [{ product_id: bolt, location_id: location, inventory_quantity: 7950 }],
      context: inventoryMode,
    });
    const [counted] = await odoo.read('stock.quant', created, [
      'quantity',
      'inventory_quantity',
      'inventory_quantity_set',
      'inventory_diff_quantity',
    ]);
    assert.deepEqual(
      [
        counted.quantity,
        counted.inventory_quantity,
        counted.inventory_quantity_set,
        counted.inventory_diff_quantity,
      ],
      [8000, 7950, true, -50],
    );
    assert.equal(
      await odoo.searchCount('stock.quant', [
        ['product_id', '=', bolt],
        ['location_id', '=', location],
      ]),
      1,
    );
    const applied = await rpc<unknown>('stock.quant', 'action_apply_inventory', {
      ids: created,
      context: inventoryMode,
    });
    assert.equal(applied, null);
    const [after] = await odoo.read('stock.quant', created, [
      'quantity',
      'inventory_quantity_set',
      'inventory_diff_quantity',
    ]);
    assert.deepEqual(
      [after.quantity, after.inventory_quantity_set, after.inventory_diff_quantity],
      [7950, false, 0],
    );
    const moves = await odoo.searchRead(
      'stock.move',
      [
        ['product_id', '=', bolt],
        ['is_inventory', '=', true],
      ],
      {
        fields: ['name', 'state', 'quantity', 'location_id', 'location_dest_id'],
      },
    );
    assert.deepEqual(
      moves.map((m) => [
        m.name,
        m.state,
        m.quantity,
        (m.location_id as [number, string])[1],
        (m.location_dest_id as [number, string])[1],
      ]),
      [['WMS count 2026-12-01', 'done', 50, 'EAST/Stock', 'Virtual Locations/Inventory adjustment']],
    );
    assert.equal((await quantities(bolt, { warehouse: await warehouseId('EAST') }))[0], 7950);
    // Raising a count brings stock in from the inventory location; a count on a new location makes its quant.
    const fresh = await rpc<number[]>('stock.quant', 'create', {
      vals_list: [
        { product_id: xmlidOf('tradewind.product_sku_4001'), location_id: location, inventory_quantity: 3 },
      ],
      context: inventoryMode,
    });
    await rpc('stock.quant', 'action_apply_inventory', { ids: fresh, context: inventoryMode });
    assert.equal((await odoo.read('stock.quant', fresh, ['quantity']))[0].quantity, 3);
  });

  it('refuses other quant fields in inventory mode, and every quant write from the read-only key', async () => {
    const [quant] = await odoo.search('stock.quant', [
      ['location_id', '=', xmlidOf('tradewind.loc_main_stock')],
    ]);
    const restricted = await failure(
      rpc('stock.quant', 'write', { ids: [quant], vals: { quantity: 1 }, context: { inventory_mode: true } }),
    );
    assert.deepEqual(
      [restricted.odooName, restricted.odooMessage],
      ['odoo.exceptions.UserError', "Quant's editing is restricted, you can't do this operation."],
    );
    const response = await fetch(`${sim.url}/json/2/stock.quant/action_apply_inventory`, {
      method: 'POST',
      headers: { Authorization: `bearer ${sim.apiKeys.readOnly}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ids: [quant] }),
    });
    assert.equal(((await response.json()) as { name: string }).name, 'odoo.exceptions.AccessError');
  });

  it('polls by write_date: a domain on it finds what changed since, ISO and Odoo forms alike', async () => {
    const [quant] = await odoo.searchRead(
      'stock.quant',
      [['location_id', '=', xmlidOf('tradewind.loc_main_stock')]],
      {
        fields: ['write_date'],
        limit: 1,
      },
    );
    const since = String(quant.write_date);
    assert.match(since, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const all = await odoo.searchCount('stock.quant', []);
    assert.equal(await odoo.searchCount('stock.quant', [['write_date', '>=', since]]), all);
    assert.equal(await odoo.searchCount('stock.quant', [['write_date', '>', '2999-01-01T00:00:00Z']]), 0);
    assert.equal(await odoo.searchCount('stock.quant', [['write_date', '>', '2000-01-01']]), all);
    await rpc('stock.quant', 'write', {
      ids: [quant.id],
      vals: { inventory_quantity: 5 },
      context: { inventory_mode: true },
    });
    await rpc('stock.quant', 'action_apply_inventory', { ids: [quant.id] });
    const changed = await odoo.searchRead(
      'stock.quant',
      [
        ['write_date', '>=', since],
        ['id', '=', quant.id],
      ],
      {
        fields: ['quantity', 'write_date'],
        order: 'write_date asc, id asc',
      },
    );
    assert.equal(changed[0].quantity, 5);
    assert.ok(String(changed[0].write_date) >= since);
  });
});
