// Typed reads of Odoo's stock for reconciliation and polling: quants (on hand and reserved per SKU and
// warehouse, with write_date for polling) and a product's computed quantities in one warehouse. Read-only:
// the read-only API key is enough.
import type { CallOptions, OdooClient } from './odoo.client';
import type { Domain, OdooRecord } from './odoo.types';

/** One quant in an internal location: what Odoo holds of a SKU there. */
export interface OdooStockQuant {
  readonly quantId: number;
  readonly productId: number;
  /** product.product default_code; undefined for a product without one. */
  readonly sku: string | undefined;
  readonly locationId: number;
  /** The warehouse the location belongs to, when it belongs to one. */
  readonly warehouseId: number | undefined;
  readonly warehouseCode: string | undefined;
  readonly quantity: number;
  readonly reservedQuantity: number;
  /** `YYYY-MM-DD HH:MM:SS` UTC, whole seconds (as Odoo answers). */
  readonly writeDate: string;
}

export interface StockQuantQuery {
  /**
   * Only quants written at or after this time (`YYYY-MM-DD HH:MM:SS` UTC). Odoo answers whole seconds, so
   * poll with the last writeDate seen and drop what was already applied: `>` would miss same-second writes.
   */
  readonly since?: string;
  readonly skus?: readonly string[];
  /** Only these quants (the ones an Odoo webhook names). */
  readonly quantIds?: readonly number[];
  readonly warehouseCodes?: readonly string[];
  /** Page size; the reader pages through everything. Default 500. */
  readonly pageSize?: number;
}

/** A product's quantities as Odoo computes them, in one warehouse or across all of them. */
export interface OdooProductStock {
  readonly productId: number;
  readonly sku: string;
  readonly qtyAvailable: number;
  readonly freeQty: number;
  readonly virtualAvailable: number;
}

const id = (value: unknown): number | undefined =>
  Array.isArray(value) && typeof value[0] === 'number' ? value[0] : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Quants of internal locations, oldest write first (ties by id), with SKU and warehouse code resolved. */
export async function readStockQuants(
  client: OdooClient,
  query: StockQuantQuery = {},
  options: CallOptions = {},
): Promise<OdooStockQuant[]> {
  const domain: Domain = [
    ['location_id.usage', '=', 'internal'],
    ...(query.since === undefined ? [] : [['write_date', '>=', query.since] as const]),
    ...(query.skus === undefined ? [] : [['product_id.default_code', 'in', [...query.skus]] as const]),
    ...(query.quantIds === undefined ? [] : [['id', 'in', [...query.quantIds]] as const]),
    ...(query.warehouseCodes === undefined
      ? []
      : [['warehouse_id.code', 'in', [...query.warehouseCodes]] as const]),
  ];
  const pageSize = query.pageSize ?? 500;
  const rows: OdooRecord[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await client.searchRead('stock.quant', domain, {
      ...options,
      fields: ['product_id', 'location_id', 'warehouse_id', 'quantity', 'reserved_quantity', 'write_date'],
      order: 'write_date asc, id asc',
      offset,
      limit: pageSize,
    });
    rows.push(...page);
    if (page.length < pageSize) break;
  }
  const productIds = [...new Set(rows.map((r) => id(r.product_id)).filter((v) => v !== undefined))];
  const warehouseIds = [...new Set(rows.map((r) => id(r.warehouse_id)).filter((v) => v !== undefined))];
  const [products, warehouses] = await Promise.all([
    productIds.length === 0 ? [] : client.read('product.product', productIds, ['default_code'], options),
    warehouseIds.length === 0 ? [] : client.read('stock.warehouse', warehouseIds, ['code'], options),
  ]);
  const skuOf = new Map(products.map((p) => [p.id, text(p.default_code)]));
  const codeOf = new Map(warehouses.map((w) => [w.id, text(w.code)]));
  return rows.map((row) => {
    const productId = id(row.product_id) ?? 0;
    const warehouseId = id(row.warehouse_id);
    return {
      quantId: row.id,
      productId,
      sku: skuOf.get(productId),
      locationId: id(row.location_id) ?? 0,
      warehouseId,
      warehouseCode: warehouseId === undefined ? undefined : codeOf.get(warehouseId),
      quantity: Number(row.quantity ?? 0),
      reservedQuantity: Number(row.reserved_quantity ?? 0),
      writeDate: String(row.write_date),
    };
  });
}

/** qty_available, free_qty and virtual_available of the SKUs, in one warehouse (by id) or in all. */
export async function readProductStock(
  client: OdooClient,
  skus: readonly string[],
  warehouseId?: number,
  options: CallOptions = {},
): Promise<OdooProductStock[]> {
  const rows = await client.searchRead('product.product', [['default_code', 'in', [...skus]]], {
    ...options,
    fields: ['default_code', 'qty_available', 'free_qty', 'virtual_available'],
    context: { ...options.context, ...(warehouseId === undefined ? {} : { warehouse: warehouseId }) },
  });
  return rows.map((row) => ({
    productId: row.id,
    sku: String(row.default_code),
    qtyAvailable: Number(row.qty_available ?? 0),
    freeQty: Number(row.free_qty ?? 0),
    virtualAvailable: Number(row.virtual_available ?? 0),
  }));
}
