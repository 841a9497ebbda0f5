// Supplier answers to our purchase orders: the X12 855 (purchase order acknowledgement, the vocabulary of
// x12-855.builder.ts read back: BAK02 AD/AC/RJ/AK, ACK01 IA/IC/IB/IR and the detailed change codes), the
// X12 997 for an 850/860 we sent, and the JSON acknowledgement. Every problem carries its location; no
// function throws for bad partner input.
import { type DocumentProblem, DocumentProblemCode, problem } from './document-problem';
import { isIsoDate, x12DateToIso } from './field-values';
import { readJsonDocument } from './json-structure';
import {
  type ReceivedFunctionalAck,
  type SupplierAckLine,
  type SupplierAcknowledgement,
  SupplierLineStatus,
} from './purchase-order-document';
import { decodeUtf8 } from './text-decoding';
import { readX12Interchange, type X12SegmentRef, type X12SetRead } from './x12-interchange.reader';

export const JSON_PURCHASE_ORDER_ACK_TYPE = 'tradewind.purchase-order-ack';

export type SupplierRead<T> =
  | { readonly ok: true; readonly documents: readonly T[] }
  | { readonly ok: false; readonly problems: readonly DocumentProblem[] };

/** BAK02 → the order's status. AK is "acknowledge, no detail": accepted as sent. */
const BAK_STATUS: Readonly<Record<string, SupplierAcknowledgement['status']>> = {
  AD: 'accepted',
  AK: 'accepted',
  AC: 'changed',
  RJ: 'rejected',
};

/** ACK01 → the line's status. IP price, IQ quantity, DR date, IS substitution: changed in detail. */
const ACK_STATUS: Readonly<Record<string, SupplierLineStatus>> = {
  IA: SupplierLineStatus.Accepted,
  IC: SupplierLineStatus.Changed,
  IP: SupplierLineStatus.Changed,
  IQ: SupplierLineStatus.Changed,
  DR: SupplierLineStatus.Changed,
  IS: SupplierLineStatus.Changed,
  IB: SupplierLineStatus.Backordered,
  IR: SupplierLineStatus.Rejected,
  ID: SupplierLineStatus.Rejected,
};

/** ACK04 date qualifiers that give the date the goods arrive or ship. */
const ACK_DATE_QUALIFIERS = new Set(['067', '068', '069', '002', '017']);

export function at(segment: X12SegmentRef, element?: number, set?: X12SetRead): DocumentProblem['at'] {
  return {
    kind: 'x12',
    segment: segment.ordinal,
    tag: segment.tag,
    ...(element === undefined ? {} : { element, byteOffset: segment.elementByteOffsets[element - 1] }),
    ...(set === undefined ? {} : { setControlNumber: set.controlNumber }),
  };
}

export function readSets(bytes: Uint8Array, transactionSetId: string): SupplierRead<X12SetRead> {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, problems: decoded.problems };
  const read = readX12Interchange(decoded.text, decoded.byteOffset);
  if (!read.ok) return { ok: false, problems: read.problems };
  const { interchange } = read;
  const problems: DocumentProblem[] = [...interchange.problems];
  const sets: X12SetRead[] = [];
  for (const group of interchange.groups) {
    problems.push(...group.problems);
    for (const set of group.sets) {
      problems.push(...set.problems);
      if (set.transactionSetId !== transactionSetId) {
        problems.push(
          problem(
            DocumentProblemCode.X12UnsupportedTransaction,
            `Transaction set ${set.transactionSetId} is not a ${transactionSetId}.`,
            at(set.header, 1, set),
          ),
        );
      } else sets.push(set);
    }
  }
  if (problems.length === 0 && sets.length === 0) {
    problems.push(
      problem(DocumentProblemCode.NoOrders, `The interchange holds no ${transactionSetId}.`, {
        kind: 'document',
      }),
    );
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, documents: sets };
}

function number(
  text: string | undefined,
  segment: X12SegmentRef,
  element: number,
  set: X12SetRead,
  problems: DocumentProblem[],
): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(value) || value < 0) {
    problems.push(
      problem(
        DocumentProblemCode.InvalidNumber,
        `"${text}" is not a quantity or price.`,
        at(segment, element, set),
      ),
    );
    return undefined;
  }
  return value;
}

/** Reads every 855 of an interchange. */
export function readX12PurchaseOrderAcks(bytes: Uint8Array): SupplierRead<SupplierAcknowledgement> {
  const read = readSets(bytes, '855');
  if (!read.ok) return read;
  const problems: DocumentProblem[] = [];
  const acks: SupplierAcknowledgement[] = [];
  for (const set of read.documents) {
    const bak = set.body.find((s) => s.tag === 'BAK');
    if (bak === undefined) {
      problems.push(
        problem(
          DocumentProblemCode.X12MissingSegment,
          'The 855 has no BAK segment.',
          at(set.header, undefined, set),
        ),
      );
      continue;
    }
    const status = BAK_STATUS[bak.elements[1] ?? ''];
    if (status === undefined) {
      problems.push(
        problem(
          DocumentProblemCode.X12InvalidCode,
          `BAK02 "${bak.elements[1] ?? ''}" is not an acknowledgment type (AD, AK, AC, RJ).`,
          at(bak, 2, set),
        ),
      );
    }
    const poNumber = bak.elements[2] ?? '';
    if (poNumber === '')
      problems.push(
        problem(DocumentProblemCode.X12MissingElement, 'BAK03 (PO number) is empty.', at(bak, 3, set)),
      );
    const lines: SupplierAckLine[] = [];
    let current:
      | { po1: X12SegmentRef; line: Partial<SupplierAckLine> & { lineNumber: string }; refused?: boolean }
      | undefined;
    const flush = () => {
      if (current === undefined || current.refused === true) {
        current = undefined;
        return;
      }
      if (current.line.status === undefined) {
        problems.push(
          problem(
            DocumentProblemCode.X12MissingSegment,
            `PO1 line ${current.line.lineNumber} has no ACK segment.`,
            at(current.po1, undefined, set),
          ),
        );
      } else lines.push(current.line as SupplierAckLine);
      current = undefined;
    };
    for (const segment of set.body) {
      if (segment.tag === 'PO1') {
        flush();
        const lineNumber = segment.elements[0] ?? '';
        if (lineNumber === '')
          problems.push(
            problem(
              DocumentProblemCode.X12MissingElement,
              'PO101 (line number) is empty.',
              at(segment, 1, set),
            ),
          );
        const quantity = number(segment.elements[1], segment, 2, set, problems);
        const unitPrice = number(segment.elements[3], segment, 4, set, problems);
        current = {
          po1: segment,
          line: {
            lineNumber,
            ...(quantity === undefined ? {} : { quantity }),
            ...(unitPrice === undefined ? {} : { unitPrice }),
          },
        };
      } else if (segment.tag === 'ACK') {
        if (current === undefined) {
          problems.push(
            problem(
              DocumentProblemCode.X12UnexpectedSegment,
              'ACK outside a PO1 loop.',
              at(segment, undefined, set),
            ),
          );
          continue;
        }
        const code = segment.elements[0] ?? '';
        const lineStatus = ACK_STATUS[code];
        if (lineStatus === undefined) {
          problems.push(
            problem(
              DocumentProblemCode.X12InvalidCode,
              `ACK01 "${code}" is not a line item status code.`,
              at(segment, 1, set),
            ),
          );
          current.refused = true;
          continue;
        }
        const quantity = number(segment.elements[1], segment, 2, set, problems);
        const qualifier = segment.elements[3] ?? '';
        const dateText = segment.elements[4] ?? '';
        let date: string | undefined;
        if (dateText !== '') {
          date = x12DateToIso(dateText);
          if (date === undefined || !ACK_DATE_QUALIFIERS.has(qualifier)) {
            problems.push(
              problem(
                DocumentProblemCode.InvalidDate,
                date === undefined
                  ? `ACK05 "${dateText}" is not a CCYYMMDD date.`
                  : `ACK04 "${qualifier}" is not a delivery or ship date qualifier (067, 068, 069, 002, 017).`,
                at(segment, date === undefined ? 5 : 4, set),
              ),
            );
            date = undefined;
          }
        }
        current.line = {
          ...current.line,
          status: lineStatus,
          ...(quantity === undefined ? {} : { quantity }),
          ...(date === undefined ? {} : { date }),
        };
      }
    }
    flush();
    if (status !== undefined && poNumber !== '') acks.push({ poNumber, status, lines });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, documents: acks };
}

/** Reads the 997s of an interchange: one entry per AK1 group answered. */
export function readX12FunctionalAcks(bytes: Uint8Array): SupplierRead<ReceivedFunctionalAck> {
  const read = readSets(bytes, '997');
  if (!read.ok) return read;
  const problems: DocumentProblem[] = [];
  const acks: ReceivedFunctionalAck[] = [];
  for (const set of read.documents) {
    const ak1 = set.body.find((s) => s.tag === 'AK1');
    const ak9 = set.body.find((s) => s.tag === 'AK9');
    if (ak1 === undefined || ak9 === undefined) {
      problems.push(
        problem(
          DocumentProblemCode.X12MissingSegment,
          `The 997 has no ${ak1 === undefined ? 'AK1' : 'AK9'} segment.`,
          at(set.header, undefined, set),
        ),
      );
      continue;
    }
    const code = ak9.elements[0] ?? '';
    if (!['A', 'E', 'P', 'R'].includes(code)) {
      problems.push(
        problem(DocumentProblemCode.X12InvalidCode, `AK901 "${code}" is not A, E, P or R.`, at(ak9, 1, set)),
      );
      continue;
    }
    acks.push({ groupControlNumber: ak1.elements[1] ?? '', code, accepted: code === 'A' || code === 'E' });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, documents: acks };
}

const LINE_STATUSES = new Set<string>(Object.values(SupplierLineStatus));
const ORDER_STATUSES = new Set(['accepted', 'changed', 'rejected']);

/** Reads a JSON acknowledgement: `{type, poNumber, status, lines: [{lineNumber, status, quantity?, unitPrice?, deliveryDate?}]}`. */
export function readJsonPurchaseOrderAck(bytes: Uint8Array): SupplierRead<SupplierAcknowledgement> {
  const read = readJsonDocument(bytes);
  if (!read.ok) return { ok: false, problems: read.problems };
  if (read.duplicateKeys.length > 0) return { ok: false, problems: read.duplicateKeys };
  const body = read.value;
  const problems: DocumentProblem[] = [];
  const bad = (pointer: string, message: string, code = DocumentProblemCode.SchemaViolation) =>
    problems.push(problem(code, message, { kind: 'json', pointer }));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    bad('', 'The acknowledgement must be a JSON object.');
    return { ok: false, problems };
  }
  const doc = body as Record<string, unknown>;
  if (doc.type !== JSON_PURCHASE_ORDER_ACK_TYPE)
    bad('/type', `type must be "${JSON_PURCHASE_ORDER_ACK_TYPE}".`);
  if (typeof doc.poNumber !== 'string' || doc.poNumber === '' || doc.poNumber.length > 64)
    bad('/poNumber', 'poNumber must be a non-empty string of at most 64 characters.');
  if (typeof doc.status !== 'string' || !ORDER_STATUSES.has(doc.status))
    bad('/status', 'status must be accepted, changed or rejected.');
  const lines: SupplierAckLine[] = [];
  if (!Array.isArray(doc.lines) || doc.lines.length > 1000)
    bad('/lines', 'lines must be an array of at most 1000 lines.');
  else {
    doc.lines.forEach((value: unknown, i) => {
      const path = `/lines/${i}`;
      if (value === null || typeof value !== 'object') return bad(path, 'A line must be an object.');
      const line = value as Record<string, unknown>;
      const lineNumber =
        typeof line.lineNumber === 'string' || typeof line.lineNumber === 'number'
          ? String(line.lineNumber)
          : '';
      if (lineNumber === '') bad(`${path}/lineNumber`, 'lineNumber is required.');
      if (typeof line.status !== 'string' || !LINE_STATUSES.has(line.status))
        bad(`${path}/status`, 'status must be accepted, changed, backordered or rejected.');
      for (const field of ['quantity', 'unitPrice'] as const) {
        const v = line[field];
        if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0))
          bad(`${path}/${field}`, `${field} must be a number, 0 or more.`, DocumentProblemCode.InvalidNumber);
      }
      if (
        line.deliveryDate !== undefined &&
        (typeof line.deliveryDate !== 'string' || !isIsoDate(line.deliveryDate))
      )
        bad(
          `${path}/deliveryDate`,
          'deliveryDate must be an ISO date (YYYY-MM-DD).',
          DocumentProblemCode.InvalidDate,
        );
      lines.push({
        lineNumber,
        status: line.status as SupplierLineStatus,
        ...(typeof line.quantity === 'number' ? { quantity: line.quantity } : {}),
        ...(typeof line.unitPrice === 'number' ? { unitPrice: line.unitPrice } : {}),
        ...(typeof line.deliveryDate === 'string' ? { date: line.deliveryDate } : {}),
      });
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    documents: [
      { poNumber: doc.poNumber as string, status: doc.status as SupplierAcknowledgement['status'], lines },
    ],
  };
}
