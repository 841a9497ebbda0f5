// Prices read from Odoo with the read-only key. An order is priced on its customer's price list
// (res.partner.property_product_pricelist), else on the company's default one; the price list's rule for
// a product wins over its list price (Odoo's precedence among the rules read here: a product variant
// rule before a global one, the larger minimum quantity first, the newest first).
//
// Everything read is cached with a TTL: products and their rules per (price list, SKU), the customer's
// price list, the default price list's id. Expired entries are read again on next use, concurrent
// orders share one read, and while Odoo cannot be read entries up to `maxStaleMs` past their TTL are
// still served, so an Odoo hiccup does not stop intake.
import { createLogger } from '@tradewind/observability';
import type { Domain, Many2oneValue, OdooClient, OdooRecord } from '@tradewind/odoo-client';

import { OrderIntakeErrorCode, OrderIntakeException } from '../order-intake.exception';
import type { PriceBook, PricelistRef, PriceQuote, ProductPrice } from './price-book';

export interface OdooPriceBookOptions {
  /** External id (module.name) of the company's default price list. */
  pricelistExternalId: string;
  ttlMs: number;
  maxStaleMs: number;
  /** The module whose external ids are preferred for products (the platform's own). */
  preferredModule?: string;
  now?: () => number;
  /** Told how looked-up SKUs were answered (for metrics). */
  onLookup?: (result: 'hit' | 'odoo' | 'stale', count: number) => void;
}

export interface PriceBookStats {
  hits: number;
  misses: number;
  staleServed: number;
  /** Reads of products and rules (one per batch of expired SKUs). */
  odooReads: number;
}

export interface PricelistRule extends OdooRecord {
  product_id: Many2oneValue;
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

interface Cached<T> {
  value: T;
  loadedAt: number;
}

/** A small TTL cache whose loads are shared and whose expired values stand in while loading fails. */
class TtlCache<T> {
  private readonly entries = new Map<string, Cached<T>>();
  private readonly inflight = new Map<string, Promise<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxStaleMs: number,
  ) {}

  fresh(key: string, now: number): Cached<T> | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && now - entry.loadedAt < this.ttlMs ? entry : undefined;
  }

  usableStale(key: string, now: number): Cached<T> | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && now - entry.loadedAt < this.ttlMs + this.maxStaleMs ? entry : undefined;
  }

  set(key: string, value: T, loadedAt: number): void {
    this.entries.set(key, { value, loadedAt });
  }

  /** Loads `keys` with one call of `load`, sharing keys another caller is loading already. */
  async loadShared(
    keys: readonly string[],
    load: (keys: readonly string[]) => Promise<Map<string, T>>,
  ): Promise<Map<string, T>> {
    const own = keys.filter((key) => !this.inflight.has(key));
    if (own.length > 0) {
      const batch = load(own);
      for (const key of own) {
        const one = batch.then((loaded) => loaded.get(key) as T);
        one.catch(() => undefined); // observed by the awaits below
        this.inflight.set(key, one);
      }
      batch
        .finally(() => {
          for (const key of own) this.inflight.delete(key);
        })
        .catch(() => undefined);
    }
    const values = await Promise.all(keys.map((key) => this.inflight.get(key)!));
    return new Map(keys.map((key, i) => [key, values[i]]));
  }

  clear(): void {
    this.entries.clear();
  }
}

export class OdooPriceBook implements PriceBook {
  private readonly log = createLogger(OdooPriceBook.name);
  private readonly prices: TtlCache<ProductPrice | undefined>;
  private readonly customers: TtlCache<number | undefined>;
  private readonly defaults: TtlCache<number>;
  private readonly now: () => number;
  readonly stats: PriceBookStats = { hits: 0, misses: 0, staleServed: 0, odooReads: 0 };

  constructor(
    private readonly client: OdooClient,
    private readonly options: OdooPriceBookOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.prices = new TtlCache(options.ttlMs, options.maxStaleMs);
    this.customers = new TtlCache(options.ttlMs, options.maxStaleMs);
    this.defaults = new TtlCache(options.ttlMs, options.maxStaleMs);
  }

  async quote(customerExternalId: string | undefined, skus: readonly string[]): Promise<PriceQuote> {
    const pricelist = await this.pricelistFor(customerExternalId);
    const now = this.now();
    const result = new Map<string, ProductPrice | undefined>();
    const expired: string[] = [];
    for (const sku of new Set(skus)) {
      const entry = this.prices.fresh(`${pricelist.id}|${sku}`, now);
      if (entry === undefined) expired.push(sku);
      else result.set(sku, entry.value);
    }
    this.count('hit', result.size);
    if (expired.length === 0) return { pricelist, prices: result };
    this.stats.misses += expired.length;
    try {
      const keys = expired.map((sku) => `${pricelist.id}|${sku}`);
      const loaded = await this.prices.loadShared(keys, (own) =>
        this.loadPrices(
          pricelist.id,
          own.map((key) => key.slice(key.indexOf('|') + 1)),
        ),
      );
      for (const sku of expired) result.set(sku, loaded.get(`${pricelist.id}|${sku}`));
      this.count('odoo', expired.length);
    } catch (error) {
      for (const sku of expired) {
        const stale = this.prices.usableStale(`${pricelist.id}|${sku}`, now);
        if (stale === undefined) throw unavailable(`the price of ${sku}`, error);
        result.set(sku, stale.value);
      }
      this.count('stale', expired.length);
      this.log.warn({ err: error, skus: expired }, 'Odoo could not be read; serving expired prices');
    }
    return { pricelist, prices: result };
  }

  /** Forget everything (an operator after a price list change that cannot wait for the TTL). */
  clear(): void {
    this.prices.clear();
    this.customers.clear();
    this.defaults.clear();
  }

  private count(result: 'hit' | 'odoo' | 'stale', count: number): void {
    if (count === 0) return;
    if (result === 'hit') this.stats.hits += count;
    if (result === 'stale') this.stats.staleServed += count;
    this.options.onLookup?.(result, count);
  }

  private async pricelistFor(customerExternalId: string | undefined): Promise<PricelistRef> {
    const own =
      customerExternalId === undefined ? undefined : await this.customerPricelist(customerExternalId);
    if (own !== undefined) return { id: own, ref: String(own), customerSpecific: true };
    const id = await this.cached(this.defaults, 'default', () =>
      this.externalIdToId('product.pricelist', this.options.pricelistExternalId).then((found) => {
        if (found === undefined) {
          // A configuration error Odoo may fix (the price list is created later): technical, so retried.
          throw new Error(`price list ${this.options.pricelistExternalId} does not exist in Odoo`);
        }
        return found;
      }),
    );
    return { id, ref: this.options.pricelistExternalId, customerSpecific: false };
  }

  private customerPricelist(customerExternalId: string): Promise<number | undefined> {
    return this.cached(this.customers, customerExternalId, async () => {
      const partnerId = await this.externalIdToId('res.partner', customerExternalId);
      if (partnerId === undefined) return undefined;
      const [partner] = await this.client.read<OdooRecord & { property_product_pricelist: Many2oneValue }>(
        'res.partner',
        [partnerId],
        ['property_product_pricelist'],
      );
      const pricelist = partner?.property_product_pricelist;
      return Array.isArray(pricelist) ? pricelist[0] : undefined;
    });
  }

  private async cached<T>(cache: TtlCache<T>, key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const fresh = cache.fresh(key, now);
    if (fresh !== undefined) return fresh.value;
    try {
      const loaded = await cache.loadShared([key], async () => new Map([[key, await load()]]));
      const value = loaded.get(key) as T;
      cache.set(key, value, now);
      return value;
    } catch (error) {
      const stale = cache.usableStale(key, now);
      if (stale === undefined) throw unavailable(key, error);
      return stale.value;
    }
  }

  private async externalIdToId(model: string, externalId: string): Promise<number | undefined> {
    const dot = externalId.indexOf('.');
    const rows = await this.client.searchRead<OdooRecord & { res_id: number }>(
      'ir.model.data',
      [
        ['model', '=', model],
        ['module', '=', externalId.slice(0, dot)],
        ['name', '=', externalId.slice(dot + 1)],
      ],
      { fields: ['res_id'], limit: 1 },
    );
    return rows[0]?.res_id;
  }

  private async loadPrices(
    pricelistId: number,
    skus: readonly string[],
  ): Promise<Map<string, ProductPrice | undefined>> {
    const loadedAt = this.now();
    this.stats.odooReads++;
    const products = await this.client.searchRead<OdooRecord & { default_code: string; list_price: number }>(
      'product.product',
      [['default_code', 'in', [...skus]]],
      { fields: ['default_code', 'list_price'], order: 'id' },
    );
    const bySku = new Map<string, (typeof products)[number]>();
    for (const product of products)
      if (!bySku.has(product.default_code)) bySku.set(product.default_code, product);
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
            this.client.searchRead<PricelistRule>('product.pricelist.item', rulesDomain(pricelistId, ids), {
              fields: RULE_FIELDS,
            }),
          ]);
    const externalIds = preferredExternalIds(xids, this.options.preferredModule);
    const today = new Date(loadedAt).toISOString().slice(0, 10);
    const loaded = new Map<string, ProductPrice | undefined>();
    for (const sku of skus) {
      const product = bySku.get(sku);
      let price: ProductPrice | undefined;
      if (product !== undefined) {
        const listPrice = Number(product.list_price ?? 0);
        const pricelistPrice = priceFromRules(rules, product.id, listPrice, today);
        price = {
          sku,
          productId: product.id,
          externalId: externalIds.get(product.id),
          listPrice,
          pricelistPrice,
          unitPrice: pricelistPrice ?? listPrice,
        };
      }
      loaded.set(`${pricelistId}|${sku}`, price);
      this.prices.set(`${pricelistId}|${sku}`, price, loadedAt);
    }
    return loaded;
  }
}

function unavailable(what: string, cause: unknown): OrderIntakeException {
  return new OrderIntakeException(
    OrderIntakeErrorCode.PricesUnavailable,
    `Odoo could not be read for ${what} and nothing recent enough is cached`,
    [],
    { cause },
  );
}

function rulesDomain(pricelistId: number, productIds: readonly number[]): Domain {
  return [
    '&',
    ['pricelist_id', '=', pricelistId],
    '|',
    ['product_id', 'in', [...productIds]],
    ['applied_on', '=', '3_global'],
  ];
}

/** One external id per record: the preferred module's first, Odoo's `__export__` ones last. */
function preferredExternalIds(
  rows: readonly { module: string; name: string; res_id: number }[],
  preferred: string | undefined,
): Map<number, string> {
  const rank = (module: string): number => (module === preferred ? 0 : module === '__export__' ? 2 : 1);
  const out = new Map<number, { xid: string; rank: number }>();
  for (const row of rows) {
    const current = out.get(row.res_id);
    if (current === undefined || rank(row.module) < current.rank) {
      out.set(row.res_id, { xid: `${row.module}.${row.name}`, rank: rank(row.module) });
    }
  }
  return new Map([...out].map(([id, { xid }]) => [id, xid]));
}

/** The price list's price for a product at quantity 1 on `today`, or undefined when no rule applies. */
export function priceFromRules(
  rules: readonly PricelistRule[],
  productId: number,
  listPrice: number,
  today: string,
): number | undefined {
  const applicable = rules
    .filter(
      (rule) =>
        ((rule.applied_on === '0_product_variant' &&
          rule.product_id !== false &&
          rule.product_id[0] === productId) ||
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
    // Formula rules (margins on cost, rounding) are not evaluated here: the next rule or the list price stands in.
  }
  return undefined;
}
