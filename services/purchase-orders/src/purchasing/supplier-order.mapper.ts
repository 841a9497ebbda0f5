// An Odoo purchase order → the order we send the supplier (pure): our SKU → the supplier's part number
// (Odoo's product.supplierinfo: products are Odoo's domain), Odoo's unit → Units → the supplier's pack
// (catalog), price per supplier unit, and the expected date: the line's planned date, never earlier than
// the approval plus the supplier's lead time for the SKU. The revision hash covers what the supplier sees.
import { createHash } from 'node:crypto';

import { type PurchasingSettings, supplierUnitOf } from '@tradewind/partner-catalog';
import type { SupplierOrderLine } from '@tradewind/partner-documents';

import type { OdooPurchaseOrder } from './odoo-purchase-orders.reader';

export interface MappedLine extends SupplierOrderLine {
  readonly odooLineId: number;
  /** Odoo's date_planned as read (the value the writer sets when the supplier moves the date). */
  readonly odooDatePlanned: string | null;
}

export type MappingResult =
  | { readonly ok: true; readonly lines: readonly MappedLine[]; readonly contentHash: string }
  | { readonly ok: false; readonly problems: readonly { code: string; message: string; location: string }[] };

const DAY_MS = 86_400_000;
const isoDay = (odoo: string): string => odoo.slice(0, 10);
const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function mapSupplierOrder(order: OdooPurchaseOrder, settings: PurchasingSettings): MappingResult {
  const problems: { code: string; message: string; location: string }[] = [];
  const start = order.dateApprove ?? order.dateOrder;
  const lines: MappedLine[] = [];
  order.lines.forEach((line, index) => {
    const lineNumber = String(index + 1);
    const location = `purchase.order ${order.name} line ${lineNumber}`;
    if (line.sku === null || line.productId === null) {
      problems.push({
        code: 'NO_SKU',
        message: `Line ${lineNumber} has no product with an internal reference.`,
        location,
      });
      return;
    }
    const info = order.supplierInfo.find((i) => i.productId === line.productId);
    if (info === undefined || info.productCode === null) {
      problems.push({
        code: 'NO_SUPPLIER_PART_NUMBER',
        message: `${line.sku} has no vendor product code for this vendor in Odoo (product.supplierinfo).`,
        location,
      });
      return;
    }
    const unit = supplierUnitOf(settings, line.sku);
    const units = line.quantity * line.uomRatio;
    const quantity = units / unit.unitsPer;
    if (!Number.isInteger(round(quantity, 6))) {
      problems.push({
        code: 'NOT_WHOLE_PACKS',
        message: `${units} Units of ${line.sku} are not whole ${unit.uom} of ${unit.unitsPer}.`,
        location,
      });
      return;
    }
    const leadTimeDate = new Date(Date.parse(`${isoDay(start)}T00:00:00Z`) + info.delay * DAY_MS)
      .toISOString()
      .slice(0, 10);
    const planned = line.datePlanned === null ? leadTimeDate : isoDay(line.datePlanned);
    lines.push({
      lineNumber,
      sku: line.sku,
      supplierPartNumber: info.productCode,
      description: line.description,
      quantity: round(quantity, 6),
      uom: unit.uom,
      unitPrice: round((line.priceUnit / line.uomRatio) * unit.unitsPer, 4),
      expectedDate: planned > leadTimeDate ? planned : leadTimeDate,
      odooLineId: line.id,
      odooDatePlanned: line.datePlanned,
    });
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, lines, contentHash: contentHash(lines) };
}

/** What the supplier sees of the order (a write in Odoo that changes none of it is not a change). */
export function contentHash(lines: readonly SupplierOrderLine[]): string {
  const seen = lines.map((l) => [
    l.lineNumber,
    l.supplierPartNumber,
    l.quantity,
    l.uom,
    l.unitPrice,
    l.expectedDate,
  ]);
  return createHash('sha256').update(JSON.stringify(seen)).digest('hex');
}

/** A line as the supplier agreed it (what purchase-orders keeps of each line sent). */
export interface AgreedLine extends Omit<MappedLine, 'expectedDate' | 'odooDatePlanned'> {
  /** The date the supplier has: the one sent, or the one it promised and we accepted. */
  expectedDate: string;
  /** Odoo's date_planned when that date was agreed (sent, or our write-back of the promise seen in Odoo). */
  odooDatePlanned: string | null;
  /** The promised day we asked Odoo to take (set_purchase_line_dates) and have not seen there yet. */
  pendingDay?: string | null;
}

/**
 * Odoo's lines as the supplier agreed them. A line's date is a buyer's change only when Odoo's date_planned
 * moved from the one it had when the date was agreed; while it is that one, or the promise we asked Odoo to
 * take (seen there, or not yet: our write-back races the next read), the agreed date stands, whatever the
 * lead time would give. Quantity, part number, unit and price are Odoo's as read; a line not agreed before
 * is as read.
 */
export function asAgreed(agreed: readonly AgreedLine[], read: readonly MappedLine[]): AgreedLine[] {
  return read.map((line): AgreedLine => {
    const before = agreed.find((a) => a.odooLineId === line.odooLineId);
    if (before === undefined) return { ...line, pendingDay: null };
    const day = isoDayOf(line.odooDatePlanned);
    const pending = before.pendingDay ?? null;
    if (pending !== null && day === pending) {
      // Our write-back is in Odoo: from now on, that is the date a buyer's change is measured from.
      return { ...line, expectedDate: before.expectedDate, pendingDay: null };
    }
    if (day === isoDayOf(before.odooDatePlanned)) {
      return {
        ...line,
        expectedDate: before.expectedDate,
        odooDatePlanned: before.odooDatePlanned,
        pendingDay: pending,
      };
    }
    // The buyer moved the date in Odoo: that one goes to the supplier (it supersedes the promise).
    return { ...line, pendingDay: null };
  });
}

const isoDayOf = (odoo: string | null | undefined): string | null => (odoo ? isoDay(odoo) : null);
