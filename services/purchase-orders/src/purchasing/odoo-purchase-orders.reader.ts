// Reads confirmed purchase orders from Odoo with the read-only key: by id (a webhook names one) or by
// write_date from a high-water mark (the poll), with their lines, products (SKU), units and the vendor's
// price list entries (product.supplierinfo: part number, lead time).
import type { Domain, OdooClient, OdooRecord } from '@tradewind/odoo-client';

export interface OdooPurchaseLine {
  readonly id: number;
  readonly productId: number | null;
  readonly sku: string | null;
  readonly description: string;
  /** In the line's unit (product_uom). */
  readonly quantity: number;
  /** Units in one of the line's unit (Dozens: 12). */
  readonly uomRatio: number;
  readonly priceUnit: number;
  /** Odoo datetime `YYYY-MM-DD HH:MM:SS`, or null. */
  readonly datePlanned: string | null;
}

export interface OdooSupplierInfo {
  readonly productId: number;
  readonly productCode: string | null;
  readonly delay: number;
  readonly price: number;
}

export interface OdooPurchaseOrder {
  readonly id: number;
  readonly name: string;
  readonly state: string;
  readonly vendorId: number | null;
  readonly dateOrder: string;
  readonly dateApprove: string | null;
  readonly writeDate: string;
  /** purchase_stock's receipt_status: pending, partial, full (false before confirmation). */
  readonly receiptStatus: string | null;
  readonly lines: readonly OdooPurchaseLine[];
  /** The vendor's price list entries for the lines' products. */
  readonly supplierInfo: readonly OdooSupplierInfo[];
}

const ORDER_FIELDS = [
  'name',
  'state',
  'partner_id',
  'date_order',
  'date_approve',
  'write_date',
  'receipt_status',
];
const idOf = (value: unknown): number | null =>
  Array.isArray(value) && typeof value[0] === 'number' ? value[0] : typeof value === 'number' ? value : null;
const textOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export class OdooPurchaseOrdersReader {
  constructor(private readonly client: OdooClient) {}

  /** Orders whose write_date is at or after `since` (Odoo datetime), oldest first, at most `limit`. */
  async changedSince(since: string, limit: number): Promise<OdooPurchaseOrder[]> {
    const rows = await this.client.searchRead(
      'purchase.order',
      [
        ['write_date', '>=', since],
        ['state', 'in', ['purchase', 'done', 'cancel']],
      ],
      { fields: ORDER_FIELDS, order: 'write_date asc, id asc', limit },
    );
    return this.complete(rows);
  }

  async byIds(ids: readonly number[]): Promise<OdooPurchaseOrder[]> {
    if (ids.length === 0) return [];
    return this.complete(
      await this.client.searchRead('purchase.order', [['id', 'in', [...ids]]], { fields: ORDER_FIELDS }),
    );
  }

  /** The res.partner id of an external id (module.name), or undefined. */
  async resolveExternalId(xid: string): Promise<number | undefined> {
    const dot = xid.indexOf('.');
    const [row] = await this.client.searchRead(
      'ir.model.data',
      [
        ['module', '=', xid.slice(0, dot)],
        ['name', '=', xid.slice(dot + 1)],
        ['model', '=', 'res.partner'],
      ],
      { fields: ['res_id'], limit: 1 },
    );
    return row === undefined ? undefined : Number(row.res_id);
  }

  private async complete(orders: OdooRecord[]): Promise<OdooPurchaseOrder[]> {
    if (orders.length === 0) return [];
    const lines = await this.client.searchRead(
      'purchase.order.line',
      [['order_id', 'in', orders.map((o) => o.id)]] as Domain,
      {
        fields: [
          'order_id',
          'product_id',
          'name',
          'product_qty',
          'product_uom',
          'price_unit',
          'date_planned',
        ],
        order: 'order_id, sequence, id',
      },
    );
    const productIds = [
      ...new Set(lines.map((l) => idOf(l.product_id)).filter((id): id is number => id !== null)),
    ];
    const uomIds = [
      ...new Set(lines.map((l) => idOf(l.product_uom)).filter((id): id is number => id !== null)),
    ];
    const products = productIds.length
      ? await this.client.read('product.product', productIds, ['default_code'])
      : [];
    const uoms = uomIds.length ? await this.client.read('uom.uom', uomIds, ['factor']) : [];
    const vendorIds = [
      ...new Set(orders.map((o) => idOf(o.partner_id)).filter((id): id is number => id !== null)),
    ];
    const infos =
      productIds.length && vendorIds.length
        ? await this.client.searchRead(
            'product.supplierinfo',
            [
              ['partner_id', 'in', vendorIds],
              ['product_id', 'in', productIds],
            ],
            {
              fields: ['partner_id', 'product_id', 'product_code', 'delay', 'price', 'sequence'],
              order: 'sequence, id',
            },
          )
        : [];
    const skuOf = new Map(products.map((p) => [p.id, textOf(p.default_code)]));
    const ratioOf = new Map(uoms.map((u) => [u.id, Number(u.factor) > 0 ? 1 / Number(u.factor) : 1]));
    return orders.map((order) => {
      const vendorId = idOf(order.partner_id);
      return {
        id: order.id,
        name: String(order.name),
        state: String(order.state),
        vendorId,
        dateOrder: String(order.date_order),
        dateApprove: textOf(order.date_approve),
        writeDate: String(order.write_date),
        receiptStatus: textOf(order.receipt_status),
        lines: lines
          .filter((l) => idOf(l.order_id) === order.id)
          .map((l) => {
            const productId = idOf(l.product_id);
            const uomId = idOf(l.product_uom);
            return {
              id: l.id,
              productId,
              sku: productId === null ? null : (skuOf.get(productId) ?? null),
              description: textOf(l.name) ?? '',
              quantity: Number(l.product_qty ?? 0),
              uomRatio: uomId === null ? 1 : (ratioOf.get(uomId) ?? 1),
              priceUnit: Number(l.price_unit ?? 0),
              datePlanned: textOf(l.date_planned),
            };
          }),
        supplierInfo: infos
          .filter((i) => idOf(i.partner_id) === vendorId)
          .map((i) => ({
            productId: idOf(i.product_id) ?? 0,
            productCode: textOf(i.product_code),
            delay: Number(i.delay ?? 0),
            price: Number(i.price ?? 0),
          })),
      };
    });
  }
}
