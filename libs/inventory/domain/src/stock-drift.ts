// Reconciliation of the platform's ledger with Odoo's stock (issue 9, decision 0021), pure: the drifts
// between what the ledger holds on hand per SKU and warehouse and what Odoo's quants hold, each with its
// likely cause and whether the platform corrects Odoo.

/** What the ledger holds of a SKU in a warehouse (warehouse = Odoo's warehouse code). */
export interface LedgerStock {
  sku: string;
  warehouseId: string;
  onHand: number;
  /** When the ledger's on hand last changed (epoch ms), for the likely cause. */
  changedAt: number;
  /** Who counted it (the last applied stock event's source): the ledger speaks for that party. */
  countedBy: string | null;
}

/** What Odoo holds of a SKU in a warehouse: its internal quants summed. */
export interface OdooStock {
  sku: string;
  warehouseId: string;
  quantity: number;
  /** Units Odoo has reserved for its own pickings (informational). */
  reservedQuantity: number;
  /** The latest write_date of those quants (epoch ms, whole seconds as Odoo keeps it). */
  writtenAt: number;
}

export enum DriftCause {
  /** The ledger changed after Odoo last wrote its quants: the count has not reached Odoo (never sent, lost, refused). */
  CountNotInOdoo = 'count-not-in-odoo',
  /** Odoo's quants were written after the ledger's count: an adjustment or move made in Odoo. */
  ChangedInOdoo = 'changed-in-odoo',
  /** Odoo holds the SKU in a warehouse the system of record never counted. */
  NotCounted = 'not-counted',
  /** The ledger counts a SKU Odoo has no stock record of (no quant, or no product with that code). */
  MissingInOdoo = 'missing-in-odoo',
  /** Odoo has reserved more units than it holds: its pickings promise stock that is not there. */
  OdooOverReserved = 'odoo-over-reserved',
}

export interface StockDrift {
  sku: string;
  warehouseId: string;
  /** The ledger's on hand; null when the ledger does not know the SKU in the warehouse. */
  ledgerOnHand: number | null;
  /** Odoo's quantity; null when Odoo has no quant for it. */
  odooQuantity: number | null;
  odooReserved: number | null;
  cause: DriftCause;
  /** The platform sets Odoo's quantity to the ledger's (set_stock_level through the odoo-writer). */
  correct: boolean;
}

export interface DriftPolicy {
  /** The catalog's owner of stock on hand: only its counts are carried into Odoo. */
  stockOwner: string;
  /** Correction switched off (report only). */
  correct: boolean;
}

const key = (sku: string, warehouseId: string) => `${sku}\u0000${warehouseId}`;

/**
 * Every (SKU, warehouse) where the ledger and Odoo disagree, sorted by SKU then warehouse. Only pairs
 * present on at least one side are compared; pass the ledger's and Odoo's rows for the same SKUs.
 * Correction only where the ledger holds the owner's count and Odoo is not the owner itself: a SKU the
 * owner never counted, or Odoo's own reservations, are reported for a person.
 */
export function findStockDrifts(
  ledger: readonly LedgerStock[],
  odoo: readonly OdooStock[],
  policy: DriftPolicy,
): StockDrift[] {
  const odooBy = new Map(odoo.map((o) => [key(o.sku, o.warehouseId), o]));
  const ledgerBy = new Map(ledger.map((l) => [key(l.sku, l.warehouseId), l]));
  const drifts: StockDrift[] = [];
  const carriesOwner = (l: LedgerStock) =>
    policy.correct && policy.stockOwner !== 'odoo' && l.countedBy === policy.stockOwner;
  for (const l of ledger) {
    const o = odooBy.get(key(l.sku, l.warehouseId));
    if (o === undefined) {
      if (l.onHand === 0) continue;
      drifts.push({
        sku: l.sku,
        warehouseId: l.warehouseId,
        ledgerOnHand: l.onHand,
        odooQuantity: null,
        odooReserved: null,
        cause: DriftCause.MissingInOdoo,
        correct: carriesOwner(l),
      });
      continue;
    }
    if (o.quantity !== l.onHand) {
      drifts.push({
        sku: l.sku,
        warehouseId: l.warehouseId,
        ledgerOnHand: l.onHand,
        odooQuantity: o.quantity,
        odooReserved: o.reservedQuantity,
        // Odoo's write_date has whole seconds: a write in the count's second is taken as the later one.
        cause:
          o.writtenAt >= Math.floor(l.changedAt / 1000) * 1000
            ? DriftCause.ChangedInOdoo
            : DriftCause.CountNotInOdoo,
        correct: carriesOwner(l),
      });
    } else if (o.reservedQuantity > o.quantity) {
      drifts.push({
        sku: l.sku,
        warehouseId: l.warehouseId,
        ledgerOnHand: l.onHand,
        odooQuantity: o.quantity,
        odooReserved: o.reservedQuantity,
        cause: DriftCause.OdooOverReserved,
        correct: false,
      });
    }
  }
  for (const o of odoo) {
    if (ledgerBy.has(key(o.sku, o.warehouseId)) || o.quantity === 0) continue;
    drifts.push({
      sku: o.sku,
      warehouseId: o.warehouseId,
      ledgerOnHand: null,
      odooQuantity: o.quantity,
      odooReserved: o.reservedQuantity,
      cause: DriftCause.NotCounted,
      correct: false,
    });
  }
  return drifts.sort((a, b) =>
    a.sku === b.sku ? (a.warehouseId < b.warehouseId ? -1 : 1) : a.sku < b.sku ? -1 : 1,
  );
}

/** One line a person can act on: both values and the likely cause. */
export function describeDrift(drift: StockDrift): string {
  const ledger = drift.ledgerOnHand === null ? 'not counted' : `${drift.ledgerOnHand} on hand`;
  const odoo =
    drift.odooQuantity === null ? 'no quant' : `${drift.odooQuantity} (reserved ${drift.odooReserved})`;
  const action = drift.correct ? 'Odoo is set to the ledger' : 'not corrected by the platform';
  return `${drift.sku} in ${drift.warehouseId}: ledger ${ledger}, Odoo ${odoo}; likely ${drift.cause}; ${action}`;
}
