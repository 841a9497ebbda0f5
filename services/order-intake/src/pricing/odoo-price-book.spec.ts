import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Domain, OdooClient, OdooRecord } from '@tradewind/odoo-client';

import { OrderIntakeErrorCode, OrderIntakeException } from '../order-intake.exception';
import { OdooPriceBook, priceFromRules, type PricelistRule } from './odoo-price-book';

/** Odoo as the seed has it, answering the reads the price book makes. */
class FakeOdoo {
  calls: string[] = [];
  down = false;
  listPrice1001 = 0.45;
  customerPricelist: [number, string] | false = false;

  client(): OdooClient {
    return {
      searchRead: (model: string, domain: Domain) => this.searchRead(model, domain),
      read: (model: string) => this.read(model),
    } as unknown as OdooClient;
  }

  private answer<T>(call: string, rows: T): Promise<T> {
    this.calls.push(call);
    return this.down ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve(rows);
  }

  private searchRead(model: string, domain: Domain): Promise<OdooRecord[]> {
    const value = (field: string) =>
      (domain.find((t) => Array.isArray(t) && t[0] === field) as unknown[] | undefined)?.[2];
    switch (model) {
      case 'ir.model.data': {
        const target = value('model');
        if (target === 'product.pricelist') return this.answer('pricelist-xid', [{ id: 1, res_id: 7 }]);
        if (target === 'res.partner') return this.answer('customer-xid', [{ id: 2, res_id: 30 }]);
        return this.answer('product-xids', [
          { id: 3, module: '__export__', name: 'product_1001_x', res_id: 1001 },
          { id: 4, module: 'tradewind', name: 'product_sku_1001', res_id: 1001 },
        ]);
      }
      case 'product.product': {
        const skus = value('default_code') as string[];
        const all = [
          { id: 1001, default_code: 'SKU-1001', list_price: this.listPrice1001 },
          { id: 1002, default_code: 'SKU-1002', list_price: 0.12 },
        ];
        return this.answer(
          `products:${skus.join(',')}`,
          all.filter((p) => skus.includes(p.default_code)),
        );
      }
      case 'product.pricelist.item': {
        const pricelist = (domain[1] as readonly unknown[])[2];
        const rules = pricelist === 7 ? [rule({ id: 1, product_id: [1001, 'Bolt'], fixed_price: 0.4 })] : [];
        return this.answer(`rules:${String(pricelist)}`, rules);
      }
      default:
        throw new Error(`unexpected model ${model}`);
    }
  }

  private read(model: string): Promise<OdooRecord[]> {
    assert.equal(model, 'res.partner');
    return this.answer('customer', [{ id: 30, property_product_pricelist: this.customerPricelist }]);
  }
}

function rule(fields: Partial<PricelistRule>): PricelistRule {
  return {
    id: 1,
    product_id: false,
    applied_on: '0_product_variant',
    compute_price: 'fixed',
    fixed_price: 0,
    percent_price: 0,
    min_quantity: 0,
    date_start: false,
    date_end: false,
    ...fields,
  };
}

function book(odoo: FakeOdoo, clock: { now: number }) {
  return new OdooPriceBook(odoo.client(), {
    pricelistExternalId: 'tradewind.pricelist_b2b',
    ttlMs: 60_000,
    maxStaleMs: 600_000,
    preferredModule: 'tradewind',
    now: () => clock.now,
  });
}

describe('Odoo price book', () => {
  it('prices on the price list where it has a rule, else at list price; unknown SKUs are undefined', async () => {
    const odoo = new FakeOdoo();
    const quote = await book(odoo, { now: Date.parse('2026-11-28T00:00:00Z') }).quote(undefined, [
      'SKU-1001',
      'SKU-1002',
      'SKU-9999',
    ]);
    assert.deepEqual(quote.pricelist, { id: 7, ref: 'tradewind.pricelist_b2b', customerSpecific: false });
    assert.equal(quote.prices.get('SKU-1001')?.unitPrice, 0.4);
    assert.equal(quote.prices.get('SKU-1001')?.listPrice, 0.45);
    assert.equal(quote.prices.get('SKU-1001')?.externalId, 'tradewind.product_sku_1001');
    assert.equal(quote.prices.get('SKU-1002')?.unitPrice, 0.12);
    assert.equal(quote.prices.get('SKU-1002')?.pricelistPrice, undefined);
    assert.equal(quote.prices.get('SKU-9999'), undefined);
    assert.ok(quote.prices.has('SKU-9999'));
  });

  it("uses the customer's own price list when Odoo gives it one", async () => {
    const odoo = new FakeOdoo();
    odoo.customerPricelist = [9, 'Retail'];
    const quote = await book(odoo, { now: 0 }).quote('tradewind.customer_market_1', ['SKU-1001']);
    assert.deepEqual(quote.pricelist, { id: 9, ref: '9', customerSpecific: true });
    assert.equal(quote.prices.get('SKU-1001')?.unitPrice, 0.45);
  });

  it('caches for the TTL, then reads Odoo again and sees a changed price', async () => {
    const odoo = new FakeOdoo();
    const clock = { now: 0 };
    const prices = book(odoo, clock);
    await prices.quote(undefined, ['SKU-1002']);
    await prices.quote(undefined, ['SKU-1002']);
    assert.equal(odoo.calls.filter((c) => c.startsWith('products')).length, 1);
    assert.equal(prices.stats.hits, 1);
    clock.now += 61_000;
    odoo.listPrice1001 = 0.5;
    const quote = await prices.quote(undefined, ['SKU-1002', 'SKU-1001']);
    assert.equal(odoo.calls.filter((c) => c.startsWith('products')).length, 2);
    assert.equal(quote.prices.get('SKU-1001')?.listPrice, 0.5);
  });

  it('shares one Odoo read between concurrent orders', async () => {
    const odoo = new FakeOdoo();
    const prices = book(odoo, { now: 0 });
    await Promise.all([prices.quote(undefined, ['SKU-1001']), prices.quote(undefined, ['SKU-1001'])]);
    assert.equal(odoo.calls.filter((c) => c.startsWith('products')).length, 1);
  });

  it('serves expired prices while Odoo is down, within the staleness bound, then gives up', async () => {
    const odoo = new FakeOdoo();
    const clock = { now: 0 };
    const prices = book(odoo, clock);
    await prices.quote(undefined, ['SKU-1001']);
    odoo.down = true;
    clock.now += 120_000;
    assert.equal((await prices.quote(undefined, ['SKU-1001'])).prices.get('SKU-1001')?.unitPrice, 0.4);
    assert.equal(prices.stats.staleServed, 1);
    clock.now += 700_000;
    await assert.rejects(
      prices.quote(undefined, ['SKU-1001']),
      (error) =>
        error instanceof OrderIntakeException && error.code === OrderIntakeErrorCode.PricesUnavailable,
    );
  });

  it('applies rules like Odoo: variant before global, within their dates, percentage on the list price', () => {
    const today = '2026-11-28';
    assert.equal(
      priceFromRules(
        [rule({ applied_on: '3_global', compute_price: 'percentage', percent_price: 10 })],
        5,
        2,
        today,
      ),
      1.8,
    );
    assert.equal(
      priceFromRules(
        [
          rule({ applied_on: '3_global', fixed_price: 1 }),
          rule({ id: 2, product_id: [5, 'x'], fixed_price: 3 }),
        ],
        5,
        2,
        today,
      ),
      3,
    );
    assert.equal(
      priceFromRules([rule({ product_id: [5, 'x'], fixed_price: 3, date_end: '2026-11-01' })], 5, 2, today),
      undefined,
    );
    assert.equal(
      priceFromRules([rule({ product_id: [5, 'x'], fixed_price: 3, min_quantity: 100 })], 5, 2, today),
      undefined,
    );
    assert.equal(priceFromRules([rule({ product_id: [6, 'y'], fixed_price: 3 })], 5, 2, today), undefined);
  });
});
