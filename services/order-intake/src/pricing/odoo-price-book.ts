// Prices read from Odoo with the read-only key, cached per SKU with a TTL. The company price list's rule
// for a product wins over its list price (Odoo's own precedence for the rules read here: a product
// variant rule before a global one, the larger minimum quantity first, the newest first). Expired
// entries are read again on next use; while Odoo cannot be read, entries up to `maxStaleMs` past their
// TTL are still served, so an Odoo hiccup does not stop intake.
import type { Domain, OdooClient, OdooRecord } from '@tradewind/odoo-client';
import { createLogger } from '@tradewind/observability';

import { OrderIntakeErrorCode, OrderIntakeException } from '../order-intake.exception';
import type { PriceBook, ProductPrice } from './price-book';

export interface OdooPriceBookOptions {
  /** External id (module.name) of the price list partner prices are checked against. */
  pricelistExternalId: string;
  ttlMs: number;
  maxStaleMs: number;
  /** The module whose external ids are preferred for products (the platform's own). */
  preferredModule?: string;
  now?: () => number;
  /** Told how each looked-up SKU was answered (for metrics). */
  onLookup?: (result: 'hit' | 'odoo' | 'stale', count: number) => void;
}

export interface PriceBookStats {
  hits: number;
  misses: number;
  staleServed: number;
  odooReads: number;
}

interface CacheEntry {
  price: ProductPrice | undefined;
  loadedAt: number;
}

interface PricelistRule extends OdooRecord {
  product_id: [number, string] | false;
  applied_on: string;
  compute_price: string;
  fixed_price: number;
  percent_price: number;
  min_quantity: number;
  date_start: string | false;
  date_end: string | false;
}

const RULE_FIELDS = [
  'product_id',
  'applied_on',
  'compute_price',
  'fixed_price',
  'percent_price',
  'min_quantity',
  'date_start',
  'date_end',
] as const;

export class OdooPriceBook implements PriceBook {
  private readonly log = createLogger(OdooPriceBook.name);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<ProductPrice | undefined>>();
  private pricelist: { id: number; loadedAt: number } | undefined;
  private readonly now: () => number;
  readonly stats: PriceBookStats = { hits: 0, misses: 0, staleServed: 0, odooReads: 0 };

  constructor(
    private readonly client: OdooClient,
    private readonly options: OdooPriceBookOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async prices(skus: readonly string[]): Promise<ReadonlyMap<string, ProductPrice | undefined>> {
    const now = this.now();
    const result = new Map<string, ProductPrice | undefined>();
    const expired: string[] = [];
    for (const sku of new Set(skus)) {
      const entry = this.cache.get(sku);
      if (entry !== undefined && now - entry.loadedAt < this.options.ttlMs) {
        this.stats.hits++;
        this.options.onLookup?.('hit', 1);
        result.set(sku, entry.price);
      } else {
        expired.push(sku);
      }
    }
    if (expired.length === 0) return result;
    this.stats.misses += expired.length;
    try {
      const loaded = await this.loadShared(expired);
      for (const sku of expired) result.set(sku, loaded.get(sku));
      this.options.onLookup?.('odoo', expired.length);
    } catch (error) {
      for (const sku of expired) result.set(sku, this.staleOrThrow(sku, now, error));
      this.stats.staleServed += expired.length;
      this.options.onLookup?.('stale', expired.length);
      this.log.warn({ err: error, skus: expired }, 'Odoo could not be read; serving expired prices');
    }
    return result;
  }

  /** Forget everything (tests; an operator after a price list change that cannot wait for the TTL). */
  clear(): void {
    this.cache.clear();
    this.pricelist = undefined;
  }

  private staleOrThrow(sku: string, now: number, error: unknown): ProductPrice | undefined {
    const entry = this.cache.get(sku);
    if (entry === undefined || now - entry.loadedAt >= this.options.ttlMs + this.options.maxStaleMs) {
      throw new OrderIntakeException(
        OrderIntakeErrorCode.PricesUnavailable,
        `Odoo could not be read for the price of ${sku} and no recent price is cached`,
        [],
        { cause: error },
      );
    }
    return entry.price;
  }

  /** Concurrent orders asking for the same expired SKUs share one Odoo read. */
  private async loadShared(skus: readonly string[]): Promise<Map<string, ProductPrice | undefined>> {
    const own = skus.filter((sku) => !this.inflight.has(sku));
    if (own.length > 0) {
      const batch = this.load(own);
      for (const sku of own) {
        const one = batch.then((loaded) => loaded.get(sku));
        one.catch(() => undefined); // observed through the awaits below
        this.inflight.set(sku, one);
      }
      void batch
        .finally(() => {
          for (const sku of own) this.inflight.delete(sku);
        })
        .catch(() => undefined);
    }
    const values = await Promise.all(skus.map((sku) => this.inflight.get(sku)!));
    return new Map(skus.map((sku, i) => [sku, values[i]]));
  }

  private async load(skus: readonly string[]): Promise<Map<string, ProductPrice | undefined>> {
    const loadedAt = this.now();
    this.stats.odooReads++;
    const pricelistId = await this.pricelistId(loadedAt);
    const products = await this.client.searchRead<OdooRecord & { default_code: string; list_price: number }>(
      'product.product',
      [['default_code', 'in', [...skus]]],
      { fields: ['default_code', 'list_price'], order: 'id' },
    );
    const bySku = new Map<string, (typeof products)[number]>();
    for (const product of products) if (!bySku.has(product.default_code)) bySku.set(product.default_code, product);
    const ids = [...bySku.values()].map((p) => p.id);
    const [xids, rules] =
      ids.length === 0
        ? [[], []]
        : await Promise.all([
            this.client.searchRead<OdooRecord & { module: string; name: string; res_id: number }>(
              'ir.model.data',
              [
                ['model', '=', 'product.product'],
                ['res_id', 'in', ids],
              ],
              { fields: ['module', 'name', 'res_id'], order: 'module, name' },
            ),
            this.client.searchRead<PricelistRule>('product.pricelist.item', this.rulesDomain(pricelistId, ids), {
              fields: RULE_FIELDS,
            }),
          ]);
    const externalIds = this.externalIdsById(xids);
    const today = new Date(loadedAt).toISOString().slice(0, 10);
    const loaded = new Map<string, ProductPrice | undefined>();
    for (const sku of skus) {
      const product = bySku.get(sku);
      if (product === undefined) {
        loaded.set(sku, undefined);
      } else {
        const listPrice = Number(product.list_price ?? 0);
        const pricelistPrice = priceFromRules(rules, product.id, listPrice, today);
        loaded.set(sku, {
          sku,
          productId: product.id,
          externalId: externalIds.get(product.id),
          listPrice,
          pricelistPrice,
          unitPrice: pricelistPrice ?? listPrice,
        });
      }
      this.cache.set(sku, { price: loaded.get(sku), loadedAt });
    }
    return loaded;
  }

  private rulesDomain(pricelistId: number, productIds: readonly number[]): Domain {
    return [
      '&',
      ['pricelist_id', '=', pricelistId],
      '|',
      ['product_id', 'in', [...productIds]],
      ['applied_on', '=', '3_global'],
    ];
  }

  private externalIdsById(rows: readonly { module: string; name: string; res_id: number }[]): Map<number, string> {
    const preferred = this.options.preferredModule;
    const out = new Map<number, string>();
    for (const row of rows) {
      const xid = `${row.module}.${row.name}`;
      const current = out.get(row.res_id);
      // Our own module first; Odoo's `__export__` ids only when nothing better exists.
      if (
        current === undefined ||
        (row.module === preferred && !current.startsWith(`${preferred}.`)) ||
        (current.startsWith('__export__.') && row.module !== '__export__')
      ) {
        out.set(row.res_id, xid);
      }
    }
    return out;
  }

  private async pricelistId(now: number): Promise<number> {
    if (this.pricelist !== undefined && now - this.pricelist.loadedAt < this.options.ttlMs) return this.pricelist.id;
    const xid = this.options.pricelistExternalId;
    const dot = xid.indexOf('.');
    const rows = await this.client.searchRead<OdooRecord & { res_id: number }>(
      'ir.model.data',
      [
        ['model', '=', 'product.pricelist'],
        ['module', '=', xid.slice(0, dot)],
        ['name', '=', xid.slice(dot + 1)],
      ],
      { fields: ['res_id'], limit: 1 },
    );
    if (rows.length === 0) {
      // A configuration error, but one Odoo may fix (the price list is created later): retried.
      throw new Error(`price list ${xid} does not exist in Odoo`);
    }
    this.pricelist = { id: rows[0].res_id, loadedAt: now };
    return rows[0].res_id;
  }
}

/** The price list's price for a product at quantity 1 today, or undefined when no rule applies. */
export function priceFromRules(
  rules: readonly PricelistRule[],
  productId: number,
  listPrice: number,
  today: string,
): number | undefined {
  const applicable = rules
    .filter(
      (rule) =>
        ((rule.applied_on === '0_product_variant' && rule.product_id !== false && rule.product_id[0] === productId) ||
          rule.applied_on === '3_global') &&
        Number(rule.min_quantity ?? 0) <= 1 &&
        (!rule.date_start || String(rule.date_start).slice(0, 10) <= today) &&
        (!rule.date_end || String(rule.date_end).slice(0, 10) >= today),
    )
    .sort(
      (a, b) =>
        a.applied_on.localeCompare(b.applied_on) ||
        Number(b.min_quantity ?? 0) - Number(a.min_quantity ?? 0) ||
        b.id - a.id,
    );
  for (const rule of applicable) {
    if (rule.compute_price === 'fixed') return Number(rule.fixed_price);
    if (rule.compute_price === 'percentage') return listPrice * (1 - Number(rule.percent_price ?? 0) / 100);
    // Formula rules (margins on cost, rounding) are not evaluated here: the list price stands in.
  }
  return undefined;
}
