import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { OdooError, OdooErrorCode } from '@tradewind/odoo-client';

import type { UpsertSaleOrderCommand } from '../commands/upsert-sale-order.command';
import { createWriterCommand } from '../commands/writer-command';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { confirmSaleOrder, setStockLevel, upsertSaleOrder } from '../test/command-fixtures';
import { ConfirmSaleOrderOperation } from './confirm-sale-order.operation';
import { runRecordAction } from './record-actions';
import { SetStockLevelOperation } from './set-stock-level.operation';
import { lineExternalId, saleOrderRows, UpsertSaleOrderOperation } from './upsert-sale-order.operation';

describe('sale order rows for load', () => {
  it('puts the order on its first row and one line per row, lines under deterministic external ids', () => {
    const command = createWriterCommand(
      upsertSaleOrder('tradewind.so_7', { lines: 2 }),
    ) as UpsertSaleOrderCommand;
    const rows = saleOrderRows(command);
    const columns = rows.columns();
    assert.deepEqual(columns, [
      'id',
      'partner_id/id',
      'client_order_ref',
      'date_order',
      'order_line/id',
      'order_line/product_id/id',
      'order_line/product_uom_qty',
      'order_line/price_unit',
    ]);
    assert.deepEqual(rows.rows(columns), [
      [
        'tradewind.so_7',
        command.partner.text,
        'PO-so_7',
        '2026-01-15 09:30:00',
        'tradewind.so_7_line_1',
        'tradewind.product_sku_1001',
        '1',
        '10',
      ],
      ['', '', '', '', 'tradewind.so_7_line_2', 'tradewind.product_sku_1002', '2', '11'],
    ]);
    assert.equal(lineExternalId('tradewind.so_7', 3), 'tradewind.so_7_line_3');
  });

  it('adds the description column only when a line has one; batch keys follow the columns', () => {
    const plain = upsertSaleOrder('tradewind.so_1');
    const described = upsertSaleOrder('tradewind.so_2');
    described.upsertSaleOrder!.lines[0].description = 'Bolts, boxed';
    const operation = new UpsertSaleOrderOperation();
    const a = createWriterCommand(plain) as UpsertSaleOrderCommand;
    const b = createWriterCommand(described) as UpsertSaleOrderCommand;
    assert.notEqual(operation.batchKey(a), operation.batchKey(b));
    const rows = saleOrderRows(b);
    const table = rows.rows(rows.columns());
    assert.deepEqual(
      table.map((row) => row.at(-1)),
      ['Bolts, boxed', 'tradewind.product_sku_1002'],
    );
  });
});

describe('record actions (one call for many records, all or nothing)', () => {
  it('bisects a refused action down to the refused record; the others are done', async () => {
    const calls: number[][] = [];
    const odoo = {
      action: (_m: string, _method: string, ids: readonly number[]) => {
        calls.push([...ids]);
        return ids.includes(3)
          ? Promise.reject(
              new OdooError({
                code: OdooErrorCode.VALIDATION,
                message: 'x',
                odooMessage: 'A line has no product',
              }),
            )
          : Promise.resolve(true);
      },
      searchRead: () => Promise.resolve([{ id: 3, state: 'draft' }]),
    };
    const verdicts = await runRecordAction(
      odoo as never,
      { model: 'sale.order', method: 'action_confirm', doneStates: ['sale'] },
      [1, 2, 3, 4],
    );
    assert.deepEqual([...verdicts.entries()].map(([id, v]) => [id, v.ok]).sort(), [
      [1, true],
      [2, true],
      [3, false],
      [4, true],
    ]);
    const refused = verdicts.get(3)!;
    assert.ok(!refused.ok && refused.error.message === 'A line has no product' && refused.error.business);
    assert.deepEqual(calls[0], [1, 2, 3, 4]);
  });

  it("counts Odoo's refusal as done when the record is in the target state (an earlier attempt committed)", async () => {
    const odoo = {
      action: () =>
        Promise.reject(
          new OdooError({
            code: OdooErrorCode.VALIDATION,
            message: 'x',
            odooMessage: 'Some orders are not in a state requiring confirmation.',
          }),
        ),
      searchRead: () => Promise.resolve([{ id: 9, state: 'sale' }]),
    };
    const verdicts = await runRecordAction(
      odoo as never,
      { model: 'sale.order', method: 'action_confirm', doneStates: ['sale'] },
      [9],
    );
    assert.deepEqual(verdicts.get(9), { ok: true, outcome: 'already_done' });
  });
});

describe('confirm_sale_order', () => {
  it('reads states first: confirmed orders are done, cancelled ones refused, only quotations confirmed', async () => {
    const confirmed: number[][] = [];
    const odoo = {
      searchRead: (model: string) =>
        Promise.resolve(
          model === 'ir.model.data'
            ? [
                { id: 1, module: 'tradewind', name: 'so_a', model: 'sale.order', res_id: 1 },
                { id: 2, module: 'tradewind', name: 'so_b', model: 'sale.order', res_id: 2 },
                { id: 3, module: 'tradewind', name: 'so_c', model: 'sale.order', res_id: 3 },
              ]
            : [
                { id: 1, state: 'draft' },
                { id: 2, state: 'sale' },
                { id: 3, state: 'cancel' },
              ],
        ),
      action: (_m: string, _method: string, ids: readonly number[]) => (
        confirmed.push([...ids]),
        Promise.resolve(true)
      ),
    } as unknown as OdooGateway;
    const commands = ['so_a', 'so_b', 'so_c', 'so_missing'].map((name) =>
      createWriterCommand(confirmSaleOrder(`tradewind.${name}`)),
    );
    const settled = await new ConfirmSaleOrderOperation().run(commands as never, odoo);
    assert.deepEqual(confirmed, [[1]]);
    assert.deepEqual(
      settled.map((s) => (s.ok ? s.value.outcome : (s.error as Error).message)),
      [
        'written',
        'already_done',
        'sale order tradewind.so_c is cancel: it cannot be confirmed',
        'sale order tradewind.so_missing does not exist in Odoo',
      ],
    );
  });
});

describe('set_stock_level', () => {
  it('updates the quant found by product and location, creates a missing one, skips an equal one', async () => {
    const loads: { fields: readonly string[]; rows: readonly (readonly string[])[] }[] = [];
    const odoo = {
      searchRead: (model: string) =>
        Promise.resolve(
          model === 'ir.model.data'
            ? [
                { id: 1, module: 'tradewind', name: 'p1', model: 'product.product', res_id: 11 },
                { id: 2, module: 'tradewind', name: 'p2', model: 'product.product', res_id: 12 },
                { id: 3, module: 'tradewind', name: 'p3', model: 'product.product', res_id: 13 },
                { id: 4, module: 'tradewind', name: 'loc_main_stock', model: 'stock.location', res_id: 8 },
              ]
            : [
                { id: 101, product_id: [11, 'P1'], location_id: [8, 'WH/Stock'], quantity: 5 },
                { id: 102, product_id: [12, 'P2'], location_id: [8, 'WH/Stock'], quantity: 7 },
              ],
        ),
      load: (_m: string, fields: readonly string[], rows: readonly (readonly string[])[]) => {
        loads.push({ fields, rows });
        return Promise.resolve({ ids: rows.map((_, i) => 500 + i), messages: [], nextrow: 0 });
      },
    } as unknown as OdooGateway;
    const commands = [
      setStockLevel('tradewind.stock_p1', 'tradewind.p1', 9),
      setStockLevel('tradewind.stock_p2', 'tradewind.p2', 7),
      setStockLevel('tradewind.stock_p3', 'tradewind.p3', 1),
    ].map((value) => createWriterCommand(value));
    const settled = await new SetStockLevelOperation().run(commands as never, odoo);
    assert.deepEqual(
      settled.map((s) => (s.ok ? [s.value.outcome, s.value.odooId] : 'refused')),
      [
        ['written', 500],
        ['already_done', 102],
        ['written', 500],
      ],
    );
    assert.deepEqual(loads, [
      { fields: ['.id', 'quantity'], rows: [['101', '9']] },
      {
        fields: ['id', 'product_id/.id', 'location_id/.id', 'quantity'],
        rows: [['tradewind.stock_p3', '13', '8', '1']],
      },
    ]);
  });
});
