import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { judgeOrder, mapPartnerOrder } from '../intake/sales-order.evaluator';
import { commandIdOf } from '../orders/order-identity';
import { acmeOrderJson, DocumentFormat, parseOne, repoCatalog, seedPrices } from '../test/fixtures';
import { saleOrderCommands } from './sale-order.commands';

function acceptedAcmeOrder() {
  const catalog = repoCatalog();
  const mapped = mapPartnerOrder(
    parseOne(DocumentFormat.Json, acmeOrderJson('PO-5')),
    catalog.partner('acme-portal')!,
    catalog,
  );
  const verdict = judgeOrder(mapped, seedPrices(mapped.skus));
  assert.ok(verdict.accepted);
  return verdict;
}

describe('sale order commands', () => {
  it('upserts then confirms, both keyed by the external id, with deterministic command ids', () => {
    const verdict = acceptedAcmeOrder();
    const input = {
      orderId: 'acme-portal/PO-5',
      externalId: 'tradewind.so_acme-portal_PO-5',
      version: 3,
      order: verdict.canonical,
      lines: verdict.priced,
      partnerName: 'Acme Hardware Inc (B2B portal)',
      pricelistRef: 'tradewind.pricelist_b2b',
      warehouseRef: null,
      issuedBy: 'order-intake',
      issuedAt: 1_700_000_000_000,
    };
    const [upsert, confirm] = saleOrderCommands(input);
    assert.equal(upsert.type, 'upsert_sale_order');
    assert.equal(confirm.type, 'confirm_sale_order');
    assert.equal(upsert.externalId, input.externalId);
    assert.equal(confirm.externalId, input.externalId);
    assert.equal(upsert.commandId, commandIdOf('acme-portal/PO-5', 'upsert_sale_order', 3));
    assert.equal(confirm.commandId, commandIdOf('acme-portal/PO-5', 'confirm_sale_order', 3));
    assert.deepEqual(saleOrderCommands({ ...input, issuedAt: 1 })[0].commandId, upsert.commandId);
    assert.deepEqual(confirm.confirmSaleOrder, { orderExternalId: input.externalId });
    assert.equal(confirm.upsertSaleOrder, null);
    const body = upsert.upsertSaleOrder!;
    assert.equal(body.partnerRef, 'tradewind.customer_acme');
    assert.equal(body.clientOrderRef, 'PO-5');
    assert.equal(body.dateOrder, '2026-11-20');
    assert.equal(body.pricelistRef, 'tradewind.pricelist_b2b');
    assert.deepEqual(
      body.lines.map((l) => [l.productRef, l.quantity, l.priceUnit]),
      [
        ['tradewind.product_sku_1001', 1000, 0.4],
        ['tradewind.product_sku_2001', 2, 82],
        ['tradewind.product_sku_1003', 60, 0.05],
      ],
    );
  });

  it('falls back to Odoo ids on every line when one product has no external id', () => {
    const verdict = acceptedAcmeOrder();
    const lines = verdict.priced.map((l, i) => (i === 1 ? { ...l, productExternalId: undefined } : l));
    const [upsert] = saleOrderCommands({
      orderId: 'acme-portal/PO-5',
      externalId: 'tradewind.so_acme-portal_PO-5',
      version: 3,
      order: verdict.canonical,
      lines,
      partnerName: 'Acme',
      pricelistRef: null,
      warehouseRef: null,
      issuedBy: 'order-intake',
      issuedAt: 1,
    });
    assert.deepEqual(
      upsert.upsertSaleOrder!.lines.map((l) => l.productRef),
      ['1001', '2001', '1003'],
    );
  });
});
