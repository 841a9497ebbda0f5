// Test helpers that speak like a supplier: the X12 855 and 997 it answers our 850 with, and Odoo's
// purchase-order webhook body (base_automation's "Send Webhook Notification": `_model`, `_id`, fields).

export interface X12Parties {
  /** The supplier (ISA06). */
  readonly senderId: string;
  /** Us (ISA08). */
  readonly receiverId: string;
  readonly controlNumber: number;
}

/** An interchange of one transaction set from the supplier (ISA, GS, ST ... SE, GE, IEA). */
export function envelope(
  parties: X12Parties,
  functionalId: string,
  set: string,
  body: readonly string[],
): string {
  const isa13 = String(parties.controlNumber).padStart(9, '0');
  const segments = [
    `ISA*00*          *00*          *ZZ*${parties.senderId.padEnd(15)}*ZZ*${parties.receiverId.padEnd(15)}*261201*1200*U*00401*${isa13}*0*P*>`,
    `GS*${functionalId}*${parties.senderId}*${parties.receiverId}*20261201*1200*${parties.controlNumber}*X*004010`,
    `ST*${set}*0001`,
    ...body,
    `SE*${body.length + 2}*0001`,
    `GE*1*${parties.controlNumber}`,
    `IEA*1*${isa13}`,
  ];
  return segments.join('~\n') + '~\n';
}

export interface X12AckLine {
  readonly lineNumber: string;
  /** ACK01: IA accepted, IC/IP/IQ/DR changed, IB backordered, IR rejected. */
  readonly status: string;
  readonly quantity: number;
  readonly uom: string;
  readonly unitPrice: number;
  readonly partNumber: string;
  /** CCYYMMDD promised delivery (ACK04 067). */
  readonly date?: string;
}

/** An 855 answering `poNumber`: BAK02 AD / AC / RJ, PO1 + ACK per line. */
export function supplier855(
  parties: X12Parties,
  poNumber: string,
  type: 'AD' | 'AC' | 'RJ',
  lines: readonly X12AckLine[],
): string {
  const body = [`BAK*00*${type}*${poNumber}*20261201`];
  for (const line of lines) {
    body.push(`PO1*${line.lineNumber}*${line.quantity}*${line.uom}*${line.unitPrice}**VP*${line.partNumber}`);
    body.push(
      `ACK*${line.status}*${line.quantity}*${line.uom}${line.date === undefined ? '' : `*067*${line.date}`}`,
    );
  }
  body.push(`CTT*${lines.length}`);
  return envelope(parties, 'PR', '855', body);
}

/** A 997 for our interchange's group `groupControlNumber` (AK901 A accepted, R rejected). */
export function supplier997(parties: X12Parties, groupControlNumber: string, code: 'A' | 'R'): string {
  return envelope(parties, 'FA', '997', [
    `AK1*PO*${groupControlNumber}`,
    `AK2*850*0001`,
    `AK5*${code}`,
    `AK9*${code}*1*1*${code === 'A' ? 1 : 0}`,
  ]);
}

/** Odoo's webhook body for a purchase.order (what base_automation posts). */
export function odooPurchaseOrderWebhook(orderId: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    _action: 'Send Webhook Notification(#7)',
    _model: 'purchase.order',
    _id: orderId,
    id: orderId,
    ...extra,
  });
}

/**
 * Odoo's webhook body for a stock.quant (what base_automation posts for a rule whose selected fields are
 * product_id, location_id and quantity: read with load=None, so many2one fields are bare ids).
 */
export function odooStockQuantWebhook(quantId: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    _action: 'Send Webhook Notification(#9)',
    _model: 'stock.quant',
    _id: quantId,
    id: quantId,
    ...extra,
  });
}
