// X12 810 invoice (004010), one transaction set per invoice or credit note: BIG (date, number, BIG07
// DI debit invoice / CR credit memo), CUR, REF*IV, N1*BT (the customer by its canonical id), ITD (net
// due date), then per line IT1 (quantity, EA, unit price, VP sku) + PID (description) + TXI (its tax),
// then TDS (total in cents, implied decimals), TXI (total tax) and CTT.
import type { OutboundInvoice } from './invoice-document';
import { PartnerDocumentsErrorCode, PartnerDocumentsException } from './partner-documents.exception';
import { fromMinorUnits } from './settlement-document';
import {
  isoToX12Date,
  writeInterchange,
  type X12OutboundEnvelope,
  type X12SegmentSpec,
} from './x12-envelope';

/** X12 text: the element, segment and sub-element delimiters never appear in an element. */
const clean = (text: string, max: number): string => text.replace(/[~*:^>\r\n]/g, ' ').slice(0, max);

export function buildX12Invoice(invoice: OutboundInvoice, envelope: X12OutboundEnvelope): string {
  if (invoice.currency.length !== 3) {
    throw new PartnerDocumentsException(
      PartnerDocumentsErrorCode.InvalidArgument,
      `currency ${invoice.currency}`,
    );
  }
  const money = (minor: number): string => fromMinorUnits(minor, invoice.currency);
  const segments: X12SegmentSpec[] = [
    [
      'BIG',
      [
        isoToX12Date(invoice.invoiceDate),
        clean(invoice.number, 22),
        '',
        '',
        '',
        '',
        invoice.kind === 'credit-note' ? 'CR' : 'DI',
      ],
    ],
    ['CUR', ['SE', invoice.currency]],
    ['REF', ['IV', clean(invoice.number, 30)]],
  ];
  if (invoice.creditNoteFor) segments.push(['REF', ['OI', clean(invoice.creditNoteFor, 30)]]);
  segments.push(['N1', ['BT', clean(invoice.customerName, 60), '91', clean(invoice.customerId, 80)]]);
  if (invoice.dueDate) segments.push(['ITD', ['01', '3', '', '', '', isoToX12Date(invoice.dueDate)]]);
  for (const line of invoice.lines) {
    segments.push([
      'IT1',
      [
        String(line.lineNumber),
        line.quantity,
        'EA',
        line.unitPrice,
        '',
        ...(line.sku ? ['VP', clean(line.sku, 48)] : []),
      ],
    ]);
    if (line.description) segments.push(['PID', ['F', '', '', '', clean(line.description, 80)]]);
    if (line.taxMinor !== 0 || line.taxRates.length > 0) {
      segments.push(['TXI', ['ST', money(line.taxMinor), line.taxRates[0] ?? '']]);
    }
  }
  segments.push(['TDS', [String(invoice.totalMinor), String(invoice.untaxedMinor)]]);
  segments.push(['TXI', ['ST', money(invoice.taxMinor)]]);
  segments.push(['CTT', [String(invoice.lines.length)]]);
  return writeInterchange(envelope, 'IN', [{ transactionSetId: '810', segments }]);
}
