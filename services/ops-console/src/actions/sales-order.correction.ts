// Correcting a rejected sales order: the person edits the decoded partner order's fields (customer,
// currency, per line the item, quantity, unit, price); the result is checked with intake's own rules —
// the canonical field rules of @tradewind/partner-documents and the catalog mapping of
// @tradewind/partner-catalog (customer, SKU/GTIN, units) — and the field diff is shown. Prices and
// products Odoo sells are checked by order-intake when the correction is replayed.
import { mapSalesOrder, type PartnerCatalog } from '@tradewind/partner-catalog';
import {
  checkCanonicalFields,
  ItemIdQualifier,
  type PartnerItemId,
  type PartnerSalesOrder,
  type PartnerSalesOrderLine,
} from '@tradewind/partner-documents';

export interface FieldChange {
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

export interface CorrectionProblem {
  readonly code: string;
  readonly message: string;
  readonly location: string | null;
}

export interface CorrectionResult {
  readonly order: PartnerSalesOrder;
  readonly changes: readonly FieldChange[];
  /** Intake's verdict on the corrected order, before prices: empty when it would map. */
  readonly problems: readonly CorrectionProblem[];
}

/** The editable fields of an order, as form field names and values. */
export function editableFields(order: PartnerSalesOrder): { field: string; label: string; value: string }[] {
  const fields = [
    { field: 'customerCode', label: 'Customer code', value: order.customerCode },
    { field: 'currency', label: 'Currency', value: order.currency ?? '' },
  ];
  order.lines.forEach((line, i) => {
    const item = line.itemIds[0];
    const n = `Line ${line.lineNumber}`;
    fields.push(
      {
        field: `lines.${i}.item`,
        label: `${n} item (${item?.sourceQualifier ?? 'sku'})`,
        value: item?.value ?? '',
      },
      { field: `lines.${i}.quantity`, label: `${n} quantity`, value: String(line.quantity) },
      { field: `lines.${i}.uom`, label: `${n} unit`, value: line.uom },
      {
        field: `lines.${i}.unitPrice`,
        label: `${n} unit price`,
        value: line.unitPrice === undefined ? '' : String(line.unitPrice),
      },
    );
  });
  return fields;
}

function numberOf(text: string, field: string, problems: CorrectionProblem[]): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) {
    problems.push({
      code: 'INVALID_NUMBER',
      message: `${JSON.stringify(text)} is not a number`,
      location: field,
    });
    return undefined;
  }
  return Number(trimmed);
}

function qualifierOf(item: PartnerItemId | undefined, value: string): PartnerItemId {
  // A changed item keeps the partner's qualifier; a 8-14 digit value typed over a SKU is a GTIN.
  const qualifier =
    item?.qualifier ?? (/^\d{8,14}$/.test(value) ? ItemIdQualifier.Gtin : ItemIdQualifier.PartnerSku);
  return {
    qualifier,
    value,
    sourceQualifier: item?.sourceQualifier ?? (qualifier === ItemIdQualifier.Gtin ? 'gtin' : 'sku'),
    ...(item?.at === undefined ? {} : { at: item.at }),
  };
}

/** Applies the form's values to the order and judges the result by intake's rules. */
export function correctSalesOrder(
  original: PartnerSalesOrder,
  form: Readonly<Record<string, string | undefined>>,
  partnerId: string,
  catalog: PartnerCatalog,
): CorrectionResult {
  const changes: FieldChange[] = [];
  const problems: CorrectionProblem[] = [];
  const value = (field: string, before: string): string => {
    const after = form[field];
    if (after === undefined || after === before) return before;
    changes.push({ field, before, after });
    return after;
  };
  const customerCode = value('customerCode', original.customerCode).trim();
  const currency = value('currency', original.currency ?? '').trim();
  const lines: PartnerSalesOrderLine[] = original.lines.map((line, i) => {
    const item = line.itemIds[0];
    const itemValue = value(`lines.${i}.item`, item?.value ?? '').trim();
    const quantity = numberOf(
      value(`lines.${i}.quantity`, String(line.quantity)),
      `lines.${i}.quantity`,
      problems,
    );
    const uom = value(`lines.${i}.uom`, line.uom).trim();
    const price = numberOf(
      value(`lines.${i}.unitPrice`, line.unitPrice === undefined ? '' : String(line.unitPrice)),
      `lines.${i}.unitPrice`,
      problems,
    );
    const itemIds =
      item !== undefined && itemValue === item.value ? line.itemIds : [qualifierOf(item, itemValue)];
    return { ...line, itemIds, quantity: quantity ?? Number.NaN, uom, unitPrice: price };
  });
  const order: PartnerSalesOrder = {
    ...original,
    customerCode,
    currency: currency === '' ? undefined : currency,
    lines,
  };
  if (problems.length === 0) {
    for (const p of checkCanonicalFields(order))
      problems.push({ code: p.code, message: p.message, location: p.location });
  }
  if (problems.length === 0) {
    const mapping = mapSalesOrder(order, partnerId, catalog);
    for (const p of mapping.problems)
      problems.push({ code: p.code, message: p.message, location: p.location });
  }
  return { order, changes, problems };
}
