// The three-way match of a supplier invoice: each invoice line against the purchase order line it bills
// (found by our SKU or the supplier's part number) and what the receipt brought in. A line matches when
// its quantity is at most what was received and not billed yet (by Odoo's bills or by ours still in
// flight), and its unit price is within the supplier's tolerance of the order's. Pure: the caller reads
// Odoo and the catalog; every difference is listed (line, field, expected, got, tolerance), never only
// the first. Quantities and prices are compared as decimals in the order line's unit.
import type { InvoiceTolerance } from '@tradewind/partner-catalog';
import { formatLocation, type SupplierInvoice } from '@tradewind/partner-documents';
import Decimal from 'decimal.js';

import type { PurchaseOrderLineSnapshot, PurchaseOrderSnapshot } from './odoo-purchase-orders.reader';

export enum MatchField {
  PurchaseOrder = 'purchase_order',
  Vendor = 'vendor',
  Currency = 'currency',
  Product = 'product',
  Quantity = 'quantity',
  UnitPrice = 'unit_price',
}

export interface MatchDifference {
  /** The invoice line number, or null for the invoice as a whole. */
  readonly line: string | null;
  readonly field: MatchField;
  readonly expected: string;
  readonly got: string;
  readonly tolerance: string | null;
  readonly location: string | null;
}

export interface BillLine {
  readonly purchaseLineId: number;
  readonly productId: number;
  /** In the order line's unit. */
  readonly quantity: number;
  /** Per order line unit, as the supplier invoiced it. */
  readonly priceUnit: number;
  readonly description: string;
}

export type MatchResult =
  | { readonly matched: true; readonly lines: readonly BillLine[] }
  | { readonly matched: false; readonly differences: readonly MatchDifference[] };

export interface MatchInput {
  readonly invoice: SupplierInvoice;
  /** Undefined when Odoo has no order of that number. */
  readonly order: PurchaseOrderSnapshot | undefined;
  /** The Odoo vendor of the supplier that sent the invoice. */
  readonly vendorId: number | undefined;
  readonly currency: string;
  readonly expectedCurrency: string;
  readonly tolerance: InvoiceTolerance;
  /** Per order line: quantity our own bills still in flight bill (Odoo may not show them yet). */
  readonly billedByUs: ReadonlyMap<number, number>;
  /** Units in one invoiced unit of a SKU (the supplier's pack), 1 for EA or no unit. */
  readonly unitsPerInvoicedUnit: (sku: string | null, uom: string | null) => number;
}

const BILLABLE_STATES = new Set(['purchase', 'done']);

const text = (value: Decimal): string => value.toDecimalPlaces(6).toString();

export function toleranceText(tolerance: InvoiceTolerance): string {
  return [
    `±${tolerance.pricePct}%`,
    ...(tolerance.priceAmount === null ? [] : [`±${tolerance.priceAmount}`]),
  ].join(' and ');
}

function orderLineFor(
  order: PurchaseOrderSnapshot,
  sku: string | null,
  part: string | null,
  remaining: (line: PurchaseOrderLineSnapshot) => Decimal,
  needed: Decimal,
): { line: PurchaseOrderLineSnapshot | undefined; conflict: string | null } {
  const bySku = sku === null ? [] : order.lines.filter((l) => l.sku === sku);
  const byPart = part === null ? [] : order.lines.filter((l) => l.supplierPartNumber === part);
  if (
    sku !== null &&
    part !== null &&
    bySku.length > 0 &&
    byPart.length > 0 &&
    bySku[0].productId !== byPart[0].productId
  ) {
    return {
      line: undefined,
      conflict: `SKU ${sku} is ${bySku[0].sku}, part ${part} is ${byPart[0].sku ?? byPart[0].description}`,
    };
  }
  const candidates = bySku.length > 0 ? bySku : byPart;
  // Several lines of one product: the first that still has enough to bill, else the first.
  return { line: candidates.find((l) => remaining(l).gte(needed)) ?? candidates[0], conflict: null };
}

export function threeWayMatch(input: MatchInput): MatchResult {
  const { invoice, order, tolerance } = input;
  const differences: MatchDifference[] = [];
  const whole = (field: MatchField, expected: string, got: string): void => {
    differences.push({
      line: null,
      field,
      expected,
      got,
      tolerance: null,
      location: formatLocation(invoice.at),
    });
  };
  if (input.currency !== input.expectedCurrency)
    whole(MatchField.Currency, input.expectedCurrency, input.currency);
  if (order === undefined) {
    whole(MatchField.PurchaseOrder, 'a purchase order of that number in Odoo', invoice.poNumber);
    return { matched: false, differences };
  }
  if (input.vendorId === undefined || order.vendorId !== input.vendorId) {
    whole(
      MatchField.Vendor,
      `an order of the sender's vendor (res.partner ${input.vendorId ?? 'unknown'})`,
      `${order.name} of res.partner ${order.vendorId ?? 'none'}`,
    );
    return { matched: false, differences };
  }
  if (!BILLABLE_STATES.has(order.state)) {
    whole(
      MatchField.PurchaseOrder,
      `${order.name} confirmed (purchase or done)`,
      `${order.name} ${order.state}`,
    );
    return { matched: false, differences };
  }
  const allocated = new Map<number, Decimal>();
  const remaining = (line: PurchaseOrderLineSnapshot): Decimal => {
    const billed = Decimal.max(line.billed, input.billedByUs.get(line.id) ?? 0);
    return new Decimal(line.received).minus(billed).minus(allocated.get(line.id) ?? 0);
  };
  const lines: BillLine[] = [];
  for (const invoiced of invoice.lines) {
    const at = formatLocation(invoiced.at);
    const differ = (field: MatchField, expected: string, got: string, tol: string | null = null): void => {
      differences.push({ line: invoiced.lineNumber, field, expected, got, tolerance: tol, location: at });
    };
    const probe = order.lines.find(
      (l) =>
        (invoiced.sku !== null && l.sku === invoiced.sku) ||
        (invoiced.supplierPartNumber !== null && l.supplierPartNumber === invoiced.supplierPartNumber),
    );
    // The supplier's pack is known by our SKU: the invoice's, else the order line's it names by part number
    const perInvoicedUnit = input.unitsPerInvoicedUnit(invoiced.sku ?? probe?.sku ?? null, invoiced.uom);
    const units = new Decimal(invoiced.quantity).mul(perInvoicedUnit);
    const needed = probe === undefined ? units : units.div(probe.unitsPerLineUnit);
    const { line, conflict } = orderLineFor(
      order,
      invoiced.sku,
      invoiced.supplierPartNumber,
      remaining,
      needed,
    );
    if (line === undefined) {
      differ(
        MatchField.Product,
        conflict ?? `a line of ${order.name}`,
        [
          invoiced.sku === null ? null : `SKU ${invoiced.sku}`,
          invoiced.supplierPartNumber === null ? null : `part ${invoiced.supplierPartNumber}`,
        ]
          .filter(Boolean)
          .join(', '),
      );
      continue;
    }
    const quantity = units.div(line.unitsPerLineUnit);
    const open = remaining(line);
    if (quantity.gt(open)) {
      differ(
        MatchField.Quantity,
        `at most ${text(Decimal.max(open, 0))} (received ${line.received}, billed ${text(new Decimal(line.received).minus(open))}) on ${order.name} line ${line.sku ?? line.id}`,
        text(quantity),
      );
    }
    allocated.set(line.id, (allocated.get(line.id) ?? new Decimal(0)).plus(quantity));
    // Per order line unit: the invoiced unit's price over the Units it holds, times the line unit's Units
    const price = new Decimal(invoiced.unitPrice).div(perInvoicedUnit).mul(line.unitsPerLineUnit);
    const ordered = new Decimal(line.priceUnit);
    const gap = price.minus(ordered).abs();
    const withinPct = gap.lte(ordered.mul(tolerance.pricePct).div(100));
    const withinAmount = tolerance.priceAmount === null || gap.lte(tolerance.priceAmount);
    if (!withinPct || !withinAmount) {
      differ(
        MatchField.UnitPrice,
        `${text(ordered)} on ${order.name} line ${line.sku ?? line.id}`,
        text(price),
        toleranceText(tolerance),
      );
    }
    lines.push({
      purchaseLineId: line.id,
      productId: line.productId,
      quantity: quantity.toDecimalPlaces(6).toNumber(),
      priceUnit: price.toDecimalPlaces(6).toNumber(),
      description: line.description,
    });
  }
  return differences.length > 0 ? { matched: false, differences } : { matched: true, lines };
}

/** One line per difference, for the exception's details and the console. */
export function describeDifference(difference: MatchDifference): string {
  return `${difference.line === null ? 'invoice' : `line ${difference.line}`} ${difference.field}: expected ${difference.expected}, got ${difference.got}${difference.tolerance === null ? '' : ` (tolerance ${difference.tolerance})`}`;
}
