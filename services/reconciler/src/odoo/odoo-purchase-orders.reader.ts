// Reads the purchase orders one window needs, with the read-only key, batched like the sale-order reader:
// by id (purchasing.state's odooOrderId) and by write_date in the window for the catalog's suppliers'
// vendors (a PO confirmed in Odoo and never sent), then each order once with its lines and products.
import type { CallOptions, OdooClient, OdooRecord } from '@tradewind/odoo-client';

import type { OdooPurchaseOrder } from '../reconciliation/reconciliation';
import { chunks, eachBounded, idOf, odooDatetime, textOf } from './odoo-reads';

export interface PurchaseOrderQuery {
  /** purchase.order ids purchasing.state names in the window. */
  readonly ids: readonly number[];
  /** `write_date` in [from, to), epoch ms. */
  readonly writtenFrom: number;
  readonly writtenTo: number;
  /** The suppliers' vendors (res.partner ids): Odoo's other purchase orders are bought by hand. */
  readonly vendorIds: readonly number[];
  readonly batchSize: number;
  readonly concurrency?: number;
}

const ORDER_FIELDS = ['name', 'partner_id', 'state', 'amount_untaxed', 'write_date'];
// product_qty in the line's unit, product_uom_qty the same in the product's (Units), price_unit per line unit.
const LINE_FIELDS = ['order_id', 'product_id', 'product_qty', 'product_uom_qty', 'price_unit'];
const LINE_PAGE = 20_000;

/** Odoo's `YYYY-MM-DD HH:MM:SS` (UTC) as epoch ms. */
const epochOf = (value: unknown): number =>
  typeof value === 'string' ? Date.parse(`${value.replace(' ', 'T')}Z`) : Number.NaN;

export class OdooPurchaseOrdersReader {
  constructor(
    private readonly client: OdooClient,
    private readonly options: CallOptions = {},
  ) {}

  async read(query: PurchaseOrderQuery): Promise<OdooPurchaseOrder[]> {
    const wanted = new Set<number>(query.ids);
    if (query.vendorIds.length > 0) {
      const ids = await this.client.search(
        'purchase.order',
        [
          ['write_date', '>=', odooDatetime(query.writtenFrom)],
          ['write_date', '<', odooDatetime(query.writtenTo)],
          ['partner_id', 'in', [...query.vendorIds]],
        ],
        { ...this.options, order: 'id' },
      );
      for (const id of ids) wanted.add(id);
    }
    if (wanted.size === 0) return [];
    const ids = [...wanted].sort((a, b) => a - b);
    const orders = new Map<number, OdooRecord>();
    const lines = new Map<number, OdooPurchaseOrder['lines'][number][]>();
    const skus = new Map<number, string | null>();
    await eachBounded(chunks(ids, query.batchSize), query.concurrency ?? 1, async (batch) => {
      // A purchase order deleted in Odoo is silently absent: read by id.
      for (const row of await this.client.searchRead('purchase.order', [['id', 'in', batch]], {
        ...this.options,
        fields: ORDER_FIELDS,
        load: false,
        order: 'id',
      }))
        orders.set(row.id, row);
      for (let offset = 0; ; offset += LINE_PAGE) {
        const page = await this.client.searchRead('purchase.order.line', [['order_id', 'in', batch]], {
          ...this.options,
          fields: LINE_FIELDS,
          load: false,
          order: 'id',
          offset,
          limit: LINE_PAGE,
        });
        const unknown = [
          ...new Set(page.map((line) => idOf(line.product_id)).filter((id) => id !== null && !skus.has(id))),
        ] as number[];
        if (unknown.length > 0) {
          const products = await this.client.read('product.product', unknown, ['default_code'], this.options);
          for (const product of products) skus.set(product.id, textOf(product.default_code));
          for (const id of unknown) if (!skus.has(id)) skus.set(id, null);
        }
        for (const line of page) {
          const orderId = idOf(line.order_id);
          if (orderId === null) continue;
          const productId = idOf(line.product_id);
          const entry = {
            sku: productId === null ? null : (skus.get(productId) ?? null),
            quantity: Number(line.product_qty ?? 0),
            units: Number(line.product_uom_qty ?? line.product_qty ?? 0),
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
          partnerId: idOf(row.partner_id),
          state: String(row.state),
          amountUntaxed: Number(row.amount_untaxed ?? 0),
          writtenAt: epochOf(row.write_date),
          lines: lines.get(id) ?? [],
        },
      ];
    });
  }
}
