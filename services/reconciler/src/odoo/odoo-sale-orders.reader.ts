// Reads the sale orders one window needs, with the read-only key, in batches and with a bounded number
// of requests in flight: by external id (the odoo-writer's `tradewind.so_…`), by write_date in the window
// for the platform's customers (records no platform order names), and those written since for the
// window's customers whose client_order_ref is a window's PO (a duplicate made by hand carries the PO and
// the customer but no external id), then their lines and products. Searches that only find ids ask for
// ids (`search`), and each sale order is read once, whichever way it was found.
import type { CallOptions, Domain, OdooClient, OdooRecord } from '@tradewind/odoo-client';

import type { OdooSaleOrder } from '../reconciliation/reconciliation';
import { chunks, eachBounded, idOf, odooDatetime, recordIdsOf, textOf } from './odoo-reads';

export interface SaleOrderQuery {
  readonly externalIds: readonly string[];
  /** The window's PO numbers per Odoo customer id (a reference only means something with its customer). */
  readonly refsByCustomer: ReadonlyMap<number, readonly string[]>;
  /** `write_date` in [from, to), epoch ms. */
  readonly writtenFrom: number;
  readonly writtenTo: number;
  /** Customers whose hand-made orders count: Odoo's other sale orders are not the platform's. */
  readonly customerIds: readonly number[];
  readonly batchSize: number;
  /** Requests in flight at most (the client's own limit, set for the read-only key, still applies). */
  readonly concurrency?: number;
}

const SALE_ORDER_FIELDS = ['name', 'client_order_ref', 'partner_id', 'state', 'amount_untaxed'];
const LINE_FIELDS = ['order_id', 'product_id', 'product_uom_qty', 'price_unit'];
/** Rows per search_read page of lines: a batch of orders' lines in one answer, bounded. */
const LINE_PAGE = 20_000;
/** Rows per page of the sale orders written after the window (two small fields each). */
const LATER_PAGE = 10_000;

export class OdooSaleOrdersReader {
  constructor(
    private readonly client: OdooClient,
    private readonly options: CallOptions = {},
  ) {}

  async read(query: SaleOrderQuery): Promise<OdooSaleOrder[]> {
    const size = query.batchSize;
    const concurrency = query.concurrency ?? 1;
    const externalIds = new Map<number, string>();
    const wanted = new Set<number>();

    // 1. What Odoo wrote in the window for the platform's customers (ids only), and what it wrote for the
    // window's customers since the window ended whose reference is one of the window's POs: every sale
    // order of a window's order was made after the order was received, so one made by hand with its PO
    // (no external id) is in one or the other. One search each instead of one per batch of references:
    // client_order_ref has no index in Odoo.
    const customers = [...new Set([...query.customerIds, ...query.refsByCustomer.keys()])];
    const refs = new Map([...query.refsByCustomer].map(([customer, pos]) => [customer, new Set(pos)]));
    const searches: (() => Promise<void>)[] = [];
    if (customers.length > 0) {
      searches.push(async () => {
        const ids = await this.client.search(
          'sale.order',
          [
            ['write_date', '>=', odooDatetime(query.writtenFrom)],
            ['write_date', '<', odooDatetime(query.writtenTo)],
            ['partner_id', 'in', customers],
          ],
          { ...this.options, order: 'id' },
        );
        for (const id of ids) wanted.add(id);
      });
    }
    if (refs.size > 0) {
      searches.push(async () => {
        for (let after = 0; ;) {
          const page = await this.client.searchRead(
            'sale.order',
            [
              ['write_date', '>=', odooDatetime(query.writtenTo)],
              ['partner_id', 'in', [...refs.keys()]],
              ['id', '>', after],
            ],
            {
              ...this.options,
              fields: ['partner_id', 'client_order_ref'],
              load: false,
              order: 'id',
              limit: LATER_PAGE,
            },
          );
          for (const row of page) {
            const customer = idOf(row.partner_id);
            const ref = textOf(row.client_order_ref);
            if (customer !== null && ref !== null && refs.get(customer)?.has(ref) === true)
              wanted.add(row.id);
          }
          if (page.length < LATER_PAGE) return;
          after = page[page.length - 1].id;
        }
      });
    }
    // 2. The writer's records by external id, while those searches run.
    const [byExternalId] = await Promise.all([
      recordIdsOf(this.client, 'sale.order', query.externalIds, { size, concurrency, options: this.options }),
      eachBounded(searches, concurrency, (search) => search()),
    ]);
    for (const [xid, id] of byExternalId) {
      externalIds.set(id, xid);
      wanted.add(id);
    }
    if (wanted.size === 0) return [];

    // 3. Each sale order once (an external id left behind by a deleted order names nothing: read by id,
    // silently absent), its lines, and the external id of those not found by theirs.
    const ids = [...wanted].sort((a, b) => a - b);
    const orders = new Map<number, OdooRecord>();
    const lines = new Map<number, OdooSaleOrder['lines'][number][]>();
    // Products are few: each read once, when a line first names it (batches in flight share the read).
    const skus = new Map<number, string | null>();
    const pending = new Map<number, Promise<void>>();
    const resolveSkus = async (productIds: readonly number[]) => {
      const missing = productIds.filter((id) => !skus.has(id) && !pending.has(id));
      if (missing.length > 0) {
        const read = this.client
          .read('product.product', missing, ['default_code'], this.options)
          .then((rows) => {
            for (const row of rows) skus.set(row.id, textOf(row.default_code));
            for (const id of missing) if (!skus.has(id)) skus.set(id, null);
          });
        for (const id of missing) pending.set(id, read);
      }
      await Promise.all(productIds.flatMap((id) => (skus.has(id) ? [] : [pending.get(id)!])));
    };
    await eachBounded(chunks(ids, size), concurrency, async (batch) => {
      const rows = await this.client.searchRead('sale.order', [['id', 'in', batch]], {
        ...this.options,
        fields: SALE_ORDER_FIELDS,
        load: false,
        order: 'id',
      });
      for (const row of rows) orders.set(row.id, row);
      const unnamed = batch.filter((id) => !externalIds.has(id));
      if (unnamed.length > 0) {
        const xids = await this.client.searchRead(
          'ir.model.data',
          [
            ['model', '=', 'sale.order'],
            ['res_id', 'in', unnamed],
          ],
          { ...this.options, fields: ['module', 'name', 'res_id'] },
        );
        for (const row of xids)
          externalIds.set(row.res_id as number, `${String(row.module)}.${String(row.name)}`);
      }
      for (let offset = 0; ; offset += LINE_PAGE) {
        const page = await this.client.searchRead('sale.order.line', [['order_id', 'in', batch]], {
          ...this.options,
          fields: LINE_FIELDS,
          load: false,
          order: 'id',
          offset,
          limit: LINE_PAGE,
        });
        const productIds = new Set<number>();
        for (const line of page) {
          const productId = idOf(line.product_id);
          if (productId !== null && !skus.has(productId)) productIds.add(productId);
        }
        if (productIds.size > 0) await resolveSkus([...productIds]);
        for (const line of page) {
          const orderId = idOf(line.order_id);
          if (orderId === null) continue;
          const productId = idOf(line.product_id);
          const entry = {
            sku: productId === null ? null : (skus.get(productId) ?? null),
            quantity: Number(line.product_uom_qty ?? 0),
            priceUnit: Number(line.price_unit ?? 0),
          };
          const list = lines.get(orderId);
          if (list) list.push(entry);
          else lines.set(orderId, [entry]);
        }
        if (page.length < LINE_PAGE) break;
      }
    });

    return ids.flatMap((id) => {
      const row = orders.get(id);
      if (row === undefined) return [];
      return [
        {
          id,
          name: String(row.name),
          externalId: externalIds.get(id) ?? null,
          clientOrderRef: textOf(row.client_order_ref),
          partnerId: idOf(row.partner_id),
          state: String(row.state),
          amountUntaxed: Number(row.amount_untaxed ?? 0),
          lines: lines.get(id) ?? [],
        },
      ];
    });
  }

  /** Odoo record ids by external id (`module.name`) of one model: the customers orders.state names by ours. */
  idsOf(model: string, externalIds: readonly string[], batchSize: number): Promise<Map<string, number>> {
    return recordIdsOf(this.client, model, externalIds, { size: batchSize, options: this.options });
  }

  /** Odoo product ids by SKU (`default_code`), for the commands of a re-drive. */
  async productIds(skus: readonly string[], batchSize: number): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const batch of chunks(skus, batchSize)) {
      const rows = await this.page([['default_code', 'in', batch]], 'product.product', ['default_code']);
      for (const row of rows) {
        const sku = textOf(row.default_code);
        if (sku !== null) ids.set(sku, row.id);
      }
    }
    return ids;
  }

  private async page(
    domain: Domain,
    model = 'sale.order',
    fields: readonly string[] = SALE_ORDER_FIELDS,
  ): Promise<OdooRecord[]> {
    const rows: OdooRecord[] = [];
    const limit = 1000;
    for (let offset = 0; ; offset += limit) {
      const page = await this.client.searchRead(model, domain, {
        ...this.options,
        fields,
        order: 'id asc',
        offset,
        limit,
      });
      rows.push(...page);
      if (page.length < limit) return rows;
    }
  }
}
