// A supplier's purchasing settings (catalog `purchasing` section of a `kind: supplier` partner): the format
// its purchase orders are sent in, what a change after sending becomes, how its Odoo vendor is named and
// how its packs convert. Its SLAs are the partner's `sla` (855: acknowledgeWithinMinutes, 997:
// functionalAckWithinMinutes) and its price tolerance the partner's priceTolerancePct. Part numbers, lead
// times and prices are Odoo's (product.supplierinfo): products are Odoo's domain (systemsOfRecord).

export enum SupplierChangePolicy {
  /** An X12 860 purchase order change naming the changed lines. */
  X12ChangeOrder = 'x12-860',
  /** The whole order again, same PO number, revision + 1 (JSON/CSV `purpose: replace`, 850 BEG01 05). */
  NewVersion = 'new-version',
}

/** The supplier's unit for a SKU: how many of our Units one of its units holds. */
export interface SupplierPack {
  readonly sku: string;
  /** X12 355 unit code the supplier orders in (CA, BX, PK, ...). */
  readonly uom: string;
  readonly unitsPer: number;
}

export interface PurchasingSettings {
  readonly format: 'x12' | 'json' | 'csv';
  readonly changePolicy: SupplierChangePolicy;
  /** External id of the vendor's res.partner in Odoo (module.name). */
  readonly odooVendorRef: string;
  /** Unit code for SKUs without a pack (default EA, one Unit). */
  readonly defaultUom?: string;
  readonly packs?: readonly SupplierPack[];
}

export const PURCHASING_SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'changePolicy', 'odooVendorRef'],
  properties: {
    format: { enum: ['x12', 'json', 'csv'] },
    changePolicy: { enum: ['x12-860', 'new-version'] },
    odooVendorRef: { type: 'string', pattern: '^[A-Za-z0-9_]+\\.[A-Za-z0-9_.-]+$' },
    defaultUom: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
    packs: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'uom', 'unitsPer'],
        properties: {
          sku: { type: 'string', minLength: 1 },
          uom: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
          unitsPer: { type: 'number', exclusiveMinimum: 0 },
        },
      },
    },
  },
} as const;

/** The supplier's unit for a SKU and the Units in one of it. */
export function supplierUnitOf(settings: PurchasingSettings, sku: string): { uom: string; unitsPer: number } {
  const pack = settings.packs?.find((p) => p.sku === sku);
  return pack
    ? { uom: pack.uom, unitsPer: pack.unitsPer }
    : { uom: settings.defaultUom ?? 'EA', unitsPer: 1 };
}
