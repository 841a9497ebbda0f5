// Reads the sale orders one window needs, with the read-only key, in batches: by external id (the
// odoo-writer's `tradewind.so_…`), by client_order_ref (a duplicate made by hand carries the PO but no
// external id) and by write_date (records no platform order names), then their lines and products.
import type { CallOptions, Domain, OdooClient, OdooRecord } from '@tradewind/odoo-client';

import type { OdooSaleOrder } from '../reconciliation/reconciliation';

export interface SaleOrderQuery {
  readonly externalIds: readonly string[];
  readonly clientOrderRefs: readonly string[];
  /** `write_date` in [from, to), epoch ms. */
  readonly writtenFrom: number;
  readonly writtenTo: number;
  /** Customers whose hand-made orders count: Odoo's other sale orders are not the platform's. */
  readonly customerIds: readonly number[];
  readonly batchSize: number;
}

const SALE_ORDER_FIELDS = ['name', 'client_order_ref', 'partner_id', 'state', 'amount_untaxed'];

const idOf = (value: unknown): number | null =>
  Array.isArray(value) && typeof value[0] === 'number' ? value[0] : null;
const textOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Odoo's datetime format, UTC, whole seconds. */
export function odooDatetime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export class OdooSaleOrdersReader {
  constructor(
    private readonly client: OdooClient,
    private readonly options: CallOptions = {},
  ) {}

  async read(query: SaleOrderQuery): Promise<OdooSaleOrder[]> {
    const size = query.batchSize;
    const orders = new Map<number, OdooRecord>();
    const keep = (rows: OdooRecord[]) => rows.forEach((row) => orders.set(row.id, row));

    const xidIds: number[] = [];
    for (const batch of chunks(query.externalIds, size)) {
      const rows = await this.client.searchRead(
        'ir.model.data',
        [
          ['model', '=', 'sale.order'],
          ['module', '=', 'tradewind'],
          ['name', 'in', batch.map((xid) => xid.slice(xid.indexOf('.') + 1))],
        ],
        { ...this.options, fields: ['res_id'] },
      );
      xidIds.push(...rows.map((row) => row.res_id as number));
    }
    // By id through search_read: an external id left behind by a deleted order names nothing, silently.
    for (const batch of chunks(xidIds, size)) keep(await this.page([['id', 'in', batch]]));
    for (const batch of chunks(query.clientOrderRefs, size)) {
      keep(await this.page([['client_order_ref', 'in', batch]]));
    }
    if (query.customerIds.length > 0) {
      keep(
        await this.page([
          ['write_date', '>=', odooDatetime(query.writtenFrom)],
          ['write_date', '<', odooDatetime(query.writtenTo)],
          ['partner_id', 'in', [...query.customerIds]],
        ]),
      );
    }
    if (orders.size === 0) return [];

    const ids = [...orders.keys()];
    const externalIds = new Map<number, string>();
    const lines = new Map<number, { productId: number | null; quantity: number; priceUnit: number }[]>();
    for (const batch of chunks(ids, size)) {
      const xids = await this.client.searchRead(
        'ir.model.data',
        [
          ['model', '=', 'sale.order'],
          ['res_id', 'in', batch],
        ],
        { ...this.options, fields: ['module', 'name', 'res_id'] },
      );
      for (const row of xids)
        externalIds.set(row.res_id as number, `${String(row.module)}.${String(row.name)}`);
      const orderLines = await this.page([['order_id', 'in', batch]], 'sale.order.line', [
        'order_id',
        'product_id',
        'product_uom_qty',
        'price_unit',
      ]);
      for (const line of orderLines) {
        const orderId = idOf(line.order_id);
        if (orderId === null) continue;
        const list = lines.get(orderId) ?? [];
        list.push({
          productId: idOf(line.product_id),
          quantity: Number(line.product_uom_qty ?? 0),
          priceUnit: Number(line.price_unit ?? 0),
        });
        lines.set(orderId, list);
      }
    }
    const productIds = [...new Set([...lines.values()].flat().map((l) => l.productId))].filter(
      (id): id is number => id !== null,
    );
    const skus = new Map<number, string | null>();
    for (const batch of chunks(productIds, size)) {
      const products = await this.client.read('product.product', batch, ['default_code'], this.options);
      for (const product of products) skus.set(product.id, textOf(product.default_code));
    }

    return ids.map((id) => {
      const row = orders.get(id)!;
      return {
        id,
        name: String(row.name),
        externalId: externalIds.get(id) ?? null,
        clientOrderRef: textOf(row.client_order_ref),
        partnerId: idOf(row.partner_id),
        state: String(row.state),
        amountUntaxed: Number(row.amount_untaxed ?? 0),
        lines: (lines.get(id) ?? []).map((line) => ({
          sku: line.productId === null ? null : (skus.get(line.productId) ?? null),
          quantity: line.quantity,
          priceUnit: line.priceUnit,
        })),
      };
    });
  }

  /** Odoo record ids by external id (`module.name`) of one model: the customers orders.state names by ours. */
  async idsOf(
    model: string,
    externalIds: readonly string[],
    batchSize: number,
  ): Promise<Map<string, number>> {
    const wanted = new Set(externalIds);
    const ids = new Map<string, number>();
    for (const batch of chunks([...wanted], batchSize)) {
      const rows = await this.client.searchRead(
        'ir.model.data',
        [
          ['model', '=', model],
          ['name', 'in', batch.map((xid) => xid.slice(xid.indexOf('.') + 1))],
        ],
        { ...this.options, fields: ['module', 'name', 'res_id'] },
      );
      for (const row of rows) {
        const xid = `${String(row.module)}.${String(row.name)}`;
        if (wanted.has(xid)) ids.set(xid, row.res_id as number);
      }
    }
    return ids;
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
