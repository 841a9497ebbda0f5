// X12 850 purchase orders → PartnerSalesOrder, one per ST/SE transaction set. The envelope is read by
// node-x12 (x12-interchange.reader.ts); this file reads the 850 segments we use: BEG, CUR, N1, PO1, PID, CTT.
import { DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, problem, type ProblemLocation } from './document-problem';
import { parseDecimal, x12DateToIso } from './field-values';
import {
  CustomerCodeRole,
  ItemIdQualifier,
  type ParsedSalesOrders,
  parsedSalesOrders,
  type PartnerItemId,
  type PartnerSalesOrder,
  type PartnerSalesOrderLine,
  type SalesOrderEntry,
  type X12EnvelopeRef,
} from './partner-sales-order';
import { STANDARD_X12_LAYOUT, type X12Layout } from './sales-order-layout';
import { decodeUtf8 } from './text-decoding';
import {
  readX12Interchange,
  type X12InterchangeRead,
  type X12SegmentRef,
  type X12SetRead,
} from './x12-interchange.reader';
import {
  reenvelopeSet as reenvelope,
  x12EnvelopeRef as envelopeRef,
  x12Location as locate,
} from './x12-transaction-sets';

export interface X12ReadResult {
  readonly parsed: ParsedSalesOrders;
  /** Per entry: that transaction set re-enveloped as a one-set interchange with the original ISA and GS. */
  readonly slices: readonly Uint8Array[];
  /** Per entry: `ISA13/GS06` of the interchange and group that carried it. */
  readonly interchangeRefs: readonly string[];
  /** The envelope as read, for the 997; undefined when the interchange could not be read at all. */
  readonly interchange: X12InterchangeRead | undefined;
}

export function parseX12SalesOrders(
  bytes: Uint8Array,
  layout: X12Layout = STANDARD_X12_LAYOUT,
): ParsedSalesOrders {
  return readX12SalesOrders(bytes, layout).parsed;
}

/** Reads an interchange of 850s; the partner's layout says which N1 parties and PO1 ids mean what. */
export function readX12SalesOrders(
  bytes: Uint8Array,
  layout: X12Layout = STANDARD_X12_LAYOUT,
): X12ReadResult {
  const decoded = decodeUtf8(bytes);
  const fail = (problems: readonly DocumentProblem[]): X12ReadResult => ({
    parsed: parsedSalesOrders(DocumentFormat.X12, problems, []),
    slices: [],
    interchangeRefs: [],
    interchange: undefined,
  });
  if (!decoded.ok) return fail(decoded.problems);
  if (decoded.text.trim() === '') {
    return fail([problem(DocumentProblemCode.EmptyDocument, 'The document is empty.', { kind: 'document' })]);
  }
  const outcome = readX12Interchange(decoded.text, decoded.byteOffset);
  if (!outcome.ok) return fail(outcome.problems);
  const interchange = outcome.interchange;

  const documentProblems: DocumentProblem[] = [...interchange.problems];
  const entries: SalesOrderEntry[] = [];
  const slices: Uint8Array[] = [];
  const interchangeRefs: string[] = [];
  for (const group of interchange.groups) {
    documentProblems.push(...group.problems);
    if (group.functionalId !== 'PO') {
      documentProblems.push(
        problem(
          DocumentProblemCode.X12UnsupportedGroup,
          `Functional group ${group.controlNumber} is "${group.functionalId}"; purchase orders travel in "PO" groups.`,
          locate(group.header, 1),
        ),
      );
    }
    for (const set of group.sets) {
      const envelope = envelopeRef(interchange, group, set);
      const { order, problems } = readPurchaseOrder(set, envelope, layout);
      const businessRef = set.body.find((s) => s.tag === 'BEG')?.elements[2] || undefined;
      entries.push({
        index: entries.length,
        businessRef,
        order: problems.length === 0 && set.problems.length === 0 ? order : undefined,
        problems: [...set.problems, ...problems],
        x12: envelope,
      });
      slices.push(Buffer.from(reenvelope(interchange, group, set), 'utf8'));
      interchangeRefs.push(`${interchange.isa.controlNumber}/${group.controlNumber}`);
    }
  }
  if (entries.length === 0 && documentProblems.length === 0) {
    documentProblems.push(
      problem(DocumentProblemCode.NoOrders, 'The interchange holds no transaction sets.', {
        kind: 'document',
      }),
    );
  }
  return {
    parsed: parsedSalesOrders(DocumentFormat.X12, documentProblems, entries),
    slices,
    interchangeRefs,
    interchange,
  };
}

function readPurchaseOrder(
  set: X12SetRead,
  envelope: X12EnvelopeRef,
  layout: X12Layout,
): { order: PartnerSalesOrder | undefined; problems: DocumentProblem[] } {
  const problems: DocumentProblem[] = [];
  const st = set.controlNumber;
  const at = (ref: X12SegmentRef, element?: number): ProblemLocation => locate(ref, element, st);
  const missingSegment = (tag: string, what: string, after: X12SegmentRef): void => {
    problems.push(
      problem(DocumentProblemCode.X12MissingSegment, `Transaction set ${st} has no ${what}.`, {
        kind: 'x12',
        segment: after.ordinal + 1,
        tag,
        setControlNumber: st,
        byteOffset: after.endByteOffset,
        setPosition: (after.setPosition ?? 1) + 1,
      }),
    );
  };
  const value = (ref: X12SegmentRef, element: number): string => (ref.elements[element - 1] ?? '').trim();
  const required = (
    ref: X12SegmentRef,
    element: number,
    name: string,
    lineNumber?: string,
  ): string | undefined => {
    const v = value(ref, element);
    if (v !== '') return v;
    const id = `${ref.tag}${String(element).padStart(2, '0')}`;
    problems.push(
      problem(
        DocumentProblemCode.X12MissingElement,
        `${id} (${name}) is required.`,
        at(ref, element),
        lineNumber,
      ),
    );
    return undefined;
  };

  if (set.transactionSetId !== '850') {
    problems.push(
      problem(
        DocumentProblemCode.X12UnsupportedTransaction,
        `Transaction set ${st} is a ${set.transactionSetId || '(blank)'}; this channel accepts 850 purchase orders.`,
        at(set.header, 1),
      ),
    );
    return { order: undefined, problems };
  }

  const beg = set.body.find((s) => s.tag === 'BEG');
  let poNumber: string | undefined;
  let orderDate: string | undefined;
  if (beg === undefined) {
    missingSegment('BEG', 'BEG segment', set.header);
  } else {
    poNumber = required(beg, 3, 'purchase order number');
    const date = required(beg, 5, 'purchase order date');
    if (date !== undefined) {
      orderDate = x12DateToIso(date);
      if (orderDate === undefined) {
        problems.push(
          problem(DocumentProblemCode.InvalidDate, `BEG05 "${date}" is not a date (CCYYMMDD).`, at(beg, 5)),
        );
      }
    }
  }

  const cur = set.body.find((s) => s.tag === 'CUR');
  let currency: string | undefined;
  if (cur !== undefined) {
    currency = required(cur, 2, 'currency code');
    if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) {
      problems.push(
        problem(
          DocumentProblemCode.X12InvalidCode,
          `CUR02 "${currency}" is not an ISO 4217 currency code.`,
          at(cur, 2),
        ),
      );
      currency = undefined;
    }
  }

  const parties = set.body.filter((s) => s.tag === 'N1' && value(s, 4) !== '');
  const preferred = (qualifiers: readonly string[]): X12SegmentRef | undefined => {
    for (const qualifier of qualifiers) {
      const found = parties.find((s) => value(s, 1) === qualifier);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const customer = preferred(layout.customerQualifiers);
  const shipTo = preferred(layout.shipToQualifiers);
  const customerCode = customer === undefined ? layout.senderCustomerCode : value(customer, 4);
  if (customerCode === undefined) {
    const wanted = layout.customerQualifiers.map((q) => `N1*${q}`).join(' or ');
    missingSegment(
      'N1',
      `${wanted === '' ? 'N1' : wanted} segment with an identification code (N103/N104)`,
      beg ?? set.header,
    );
  }

  const lines: PartnerSalesOrderLine[] = [];
  const po1s = set.body.filter((s) => s.tag === 'PO1');
  if (po1s.length === 0) missingSegment('PO1', 'PO1 line item', set.body.at(-1) ?? set.header);
  // A PID*F inside a PO1 loop (before the next PO1 or CTT) describes that line.
  const descriptions = new Map<X12SegmentRef, { text: string; at: ProblemLocation }>();
  let currentPo1: X12SegmentRef | undefined;
  for (const segment of set.body) {
    if (segment.tag === 'PO1') currentPo1 = segment;
    else if (segment.tag === 'CTT') currentPo1 = undefined;
    else if (segment.tag === 'PID' && segment.elements[0] === 'F' && currentPo1 !== undefined) {
      const text = (segment.elements[4] ?? '').trim();
      if (text !== '' && !descriptions.has(currentPo1))
        descriptions.set(currentPo1, { text, at: at(segment, 5) });
    }
  }
  for (const [index, po1] of po1s.entries()) {
    const line = readLine(po1, index, descriptions.get(po1), layout, problems, at, required);
    if (line !== undefined) lines.push(line);
  }

  const ctt = set.body.find((s) => s.tag === 'CTT');
  if (ctt !== undefined) {
    const declared = required(ctt, 1, 'number of line items');
    if (declared !== undefined && Number(declared) !== po1s.length) {
      problems.push(
        problem(
          DocumentProblemCode.X12LineCountMismatch,
          `CTT01 says ${declared} line items; the set has ${po1s.length} PO1 segments.`,
          at(ctt, 1),
        ),
      );
    }
    const hash = value(ctt, 2);
    const sum = po1s.reduce((acc, s) => acc + (parseDecimal(value(s, 2)) ?? 0), 0);
    if (hash !== '' && parseDecimal(hash) !== Number(sum.toFixed(6))) {
      problems.push(
        problem(
          DocumentProblemCode.X12LineCountMismatch,
          `CTT02 hash total ${hash} differs from the sum of PO102 quantities (${sum}).`,
          at(ctt, 2),
        ),
      );
    }
  }

  if (
    problems.length > 0 ||
    poNumber === undefined ||
    orderDate === undefined ||
    customerCode === undefined
  ) {
    return { order: undefined, problems };
  }
  const shipToCode = shipTo === undefined ? undefined : value(shipTo, 4);
  return {
    problems,
    order: {
      format: DocumentFormat.X12,
      poNumber,
      orderDate,
      customerCode,
      customerCodeRole: customer === undefined ? CustomerCodeRole.Sender : partyRole(value(customer, 1)),
      ...(shipToCode === undefined ? {} : { shipToCode }),
      currency,
      lines,
      locations: {
        order: at(set.header),
        ...(beg === undefined ? {} : { poNumber: at(beg, 3), orderDate: at(beg, 5) }),
        customer: customer === undefined ? at(set.header) : at(customer, 4),
        ...(shipTo === undefined ? {} : { shipTo: at(shipTo, 4) }),
        ...(cur === undefined ? {} : { currency: at(cur, 2) }),
      },
      x12: envelope,
    },
  };
}

/** What an N1 entity identifier code (N101) says the customer code is. */
function partyRole(entity: string): CustomerCodeRole {
  switch (entity) {
    case 'BY':
      return CustomerCodeRole.Buyer;
    case 'BT':
      return CustomerCodeRole.BillTo;
    case 'ST':
      return CustomerCodeRole.ShipTo;
    default:
      // Any other party a layout names as the customer (SO sold-to, ...) buys for itself.
      return CustomerCodeRole.Buyer;
  }
}

function readLine(
  po1: X12SegmentRef,
  index: number,
  description: { text: string; at: ProblemLocation } | undefined,
  layout: X12Layout,
  problems: DocumentProblem[],
  at: (ref: X12SegmentRef, element?: number) => ProblemLocation,
  required: (ref: X12SegmentRef, element: number, name: string, lineNumber?: string) => string | undefined,
): PartnerSalesOrderLine | undefined {
  const before = problems.length;
  const el = (n: number): string => (po1.elements[n - 1] ?? '').trim();
  // PO101 is optional in X12; without it the line is known by its position.
  const lineNumber = el(1) === '' ? String(index + 1) : el(1);
  const quantityText = required(po1, 2, 'quantity ordered', lineNumber);
  const uom = required(po1, 3, 'unit of measure', lineNumber);
  let quantity: number | undefined;
  if (quantityText !== undefined) {
    quantity = parseDecimal(quantityText);
    if (quantity === undefined) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidNumber,
          `PO102 "${quantityText}" is not a number.`,
          at(po1, 2),
          lineNumber,
        ),
      );
    } else if (quantity <= 0) {
      problems.push(
        problem(
          DocumentProblemCode.OutOfRange,
          `PO102 ${quantityText} must be greater than 0.`,
          at(po1, 2),
          lineNumber,
        ),
      );
      quantity = undefined;
    }
  }
  let unitPrice: number | undefined;
  if (el(4) !== '') {
    unitPrice = parseDecimal(el(4));
    if (unitPrice === undefined) {
      problems.push(
        problem(
          DocumentProblemCode.InvalidNumber,
          `PO104 "${el(4)}" is not a number.`,
          at(po1, 4),
          lineNumber,
        ),
      );
    } else if (unitPrice < 0) {
      problems.push(
        problem(
          DocumentProblemCode.OutOfRange,
          `PO104 ${el(4)} must not be negative.`,
          at(po1, 4),
          lineNumber,
        ),
      );
    }
  }
  const itemIds: PartnerItemId[] = [];
  for (let q = 6; q <= po1.elements.length; q += 2) {
    const qualifier = el(q);
    const id = el(q + 1);
    if (qualifier === '' && id === '') continue;
    if (qualifier === '' || id === '') {
      const missing = qualifier === '' ? q : q + 1;
      problems.push(
        problem(
          DocumentProblemCode.X12MissingElement,
          `PO1${String(q).padStart(2, '0')}/PO1${String(q + 1).padStart(2, '0')} must be a qualifier and an id together.`,
          at(po1, missing),
          lineNumber,
        ),
      );
      continue;
    }
    itemIds.push({
      qualifier: layout.itemQualifiers[qualifier] ?? ItemIdQualifier.Other,
      value: id,
      sourceQualifier: qualifier,
      at: at(po1, q + 1),
    });
  }
  if (itemIds.length === 0 && problems.length === before) {
    problems.push(
      problem(
        DocumentProblemCode.X12MissingElement,
        'PO106/PO107 (product id qualifier and id) are required.',
        at(po1, 6),
        lineNumber,
      ),
    );
  }
  if (problems.length > before || quantity === undefined || uom === undefined) return undefined;

  return {
    lineNumber,
    itemIds,
    quantity,
    uom,
    unitPrice,
    ...(description === undefined ? {} : { description: description.text }),
    locations: {
      line: at(po1),
      ...(el(1) === '' ? {} : { lineNumber: at(po1, 1) }),
      ...(description === undefined ? {} : { description: description.at }),
      quantity: at(po1, 2),
      uom: at(po1, 3),
      ...(el(4) === '' ? {} : { unitPrice: at(po1, 4) }),
    },
  };
}
