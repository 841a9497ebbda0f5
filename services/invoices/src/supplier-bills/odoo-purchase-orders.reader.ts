// Reads, with the read-only key, what the three-way match compares a supplier invoice with: the purchase
// order by its number (name), its lines with what was received (qty_received) and billed (qty_invoiced,
// Odoo's: every bill line not cancelled), each line's unit ratio to Units, our SKU (default_code) and the
// supplier's part number (product.supplierinfo of the order's vendor: the supplier cross-references).
// An Odoo that does not answer is a DependencyUnavailableError: the invoice is held and retried.
import { DependencyUnavailableError } from '@tradewind/messaging';
import { isRetryableCode, type OdooClient, OdooError, type OdooRecord } from '@tradewind/odoo-client';

export interface PurchaseOrderLineSnapshot {
  readonly id: number;
  readonly productId: number;
  readonly sku: string | null;
  readonly supplierPartNumber: string | null;
  readonly description: string;
  /** In the line's unit of measure. */
  readonly ordered: number;
  readonly received: number;
  readonly billed: number;
  /** Units (the product's reference unit) in one of the line's unit: product_uom_qty / product_qty. */
  readonly unitsPerLineUnit: number;
  /** Per line unit, as Odoo holds it. */
  readonly priceUnit: number;
}

export interface PurchaseOrderSnapshot {
  readonly id: number;
  readonly name: string;
  readonly state: string;
  readonly vendorId: number | null;
  readonly lines: readonly PurchaseOrderLineSnapshot[];
}

const many2oneId = (value: unknown): number | null =>
  Array.isArray(value) && typeof value[0] === 'number' ? value[0] : typeof value === 'number' ? value : null;

export class OdooPurchaseOrdersReader {
  constructor(private readonly client: OdooClient) {}

  /** The res.partner id of an external id (module.name), undefined when Odoo has none. */
  async partnerIdOf(externalId: string): Promise<number | undefined> {
    const dot = externalId.indexOf('.');
    const rows = await this.call(() =>
      this.client.searchRead(
        'ir.model.data',
        [
          ['module', '=', externalId.slice(0, dot)],
          ['name', '=', externalId.slice(dot + 1)],
          ['model', '=', 'res.partner'],
        ],
        { fields: ['res_id'] },
      ),
    );
    const id = rows[0]?.res_id;
    return typeof id === 'number' ? id : undefined;
  }

  /** The order named `poNumber` with its lines; undefined when Odoo has no such order. */
  async order(poNumber: string): Promise<PurchaseOrderSnapshot | undefined> {
    const [order] = await this.call(() =>
      this.client.searchRead('purchase.order', [['name', '=', poNumber]], {
        fields: ['name', 'state', 'partner_id'],
        limit: 1,
      }),
    );
    if (order === undefined) return undefined;
    const vendorId = many2oneId(order.partner_id);
    const lines = await this.call(() =>
      this.client.searchRead('purchase.order.line', [['order_id', '=', order.id]], {
        fields: [
          'product_id',
          'name',
          'product_qty',
          'product_uom_qty',
          'qty_received',
          'qty_invoiced',
          'price_unit',
        ],
        order: 'sequence, id',
      }),
    );
    const productIds = [...new Set(lines.map((l) => many2oneId(l.product_id)).filter((id) => id !== null))];
    const [products, infos] = await Promise.all([
      productIds.length === 0
        ? Promise.resolve([] as OdooRecord[])
        : this.call(() => this.client.read('product.product', productIds, ['default_code'])),
      productIds.length === 0 || vendorId === null
        ? Promise.resolve([] as OdooRecord[])
        : this.call(() =>
            this.client.searchRead(
              'product.supplierinfo',
              [
                ['partner_id', '=', vendorId],
                ['product_id', 'in', productIds],
              ],
              { fields: ['product_id', 'product_code'] },
            ),
          ),
    ]);
    const skus = new Map(
      products.map((p) => [p.id, typeof p.default_code === 'string' ? p.default_code : null]),
    );
    const parts = new Map<number, string>();
    for (const info of infos) {
      const productId = many2oneId(info.product_id);
      if (productId !== null && typeof info.product_code === 'string' && !parts.has(productId))
        parts.set(productId, info.product_code);
    }
    return {
      id: order.id,
      name: String(order.name),
      state: String(order.state),
      vendorId,
      lines: lines.flatMap((line) => {
        const productId = many2oneId(line.product_id);
        if (productId === null) return []; // a section or note line bills nothing
        const ordered = Number(line.product_qty ?? 0);
        const units = Number(line.product_uom_qty ?? ordered);
        return [
          {
            id: line.id,
            productId,
            sku: skus.get(productId) ?? null,
            supplierPartNumber: parts.get(productId) ?? null,
            description: typeof line.name === 'string' ? line.name : '',
            ordered,
            received: Number(line.qty_received ?? 0),
            billed: Number(line.qty_invoiced ?? 0),
            unitsPerLineUnit: ordered > 0 ? units / ordered : 1,
            priceUnit: Number(line.price_unit ?? 0),
          },
        ];
      }),
    };
  }

  private async call<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof OdooError && isRetryableCode(error.code)) {
        throw new DependencyUnavailableError('odoo', error.message, { cause: error });
      }
      throw error;
    }
  }
}
