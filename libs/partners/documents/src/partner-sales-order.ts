import { checkEntries, COUNT_LIMITS } from './canonical-fields';
import type { DocumentFormat } from './document-format';
import { type DocumentProblem, DocumentProblemCode, problem, type ProblemLocation } from './document-problem';

/** What kind of item identifier the partner sent. */
export enum ItemIdQualifier {
  /** The partner's own item code (X12 BP buyer's part number, IN buyer's item number, SK). */
  PartnerSku = 'partner-sku',
  /** Our SKU as the partner knows it (X12 VP vendor's part number). */
  VendorSku = 'vendor-sku',
  /** GTIN-8/12/13/14 (X12 UP, EN, UK). */
  Gtin = 'gtin',
  /** Any other X12 product id qualifier, kept for the record and never used for mapping. */
  Other = 'other',
}

export interface PartnerItemId {
  readonly qualifier: ItemIdQualifier;
  readonly value: string;
  /** The qualifier code as sent (X12 `VP`, `UP`...; CSV/JSON `sku`, `gtin`). */
  readonly sourceQualifier: string;
  readonly at?: ProblemLocation;
}

/** Which party the customer code identifies. */
export enum CustomerCodeRole {
  Buyer = 'buyer',
  BillTo = 'bill-to',
  ShipTo = 'ship-to',
  /** No party named the customer: the sender is (the layout's senderCustomerCode). */
  Sender = 'sender',
}

export interface PartnerSalesOrderLine {
  /** The partner's line number as sent (JSON/CSV line number, X12 PO101). */
  readonly lineNumber: string;
  /** Identifiers in the partner's order of preference; the first one that maps wins. */
  readonly itemIds: readonly PartnerItemId[];
  readonly quantity: number;
  /** Unit of measure code as sent (EA, CA, ...). */
  readonly uom: string;
  readonly unitPrice: number | undefined;
  readonly description?: string;
  /** Where each field sits in the source document, so business problems can point there. */
  readonly locations: {
    readonly line: ProblemLocation;
    readonly lineNumber?: ProblemLocation;
    readonly description?: ProblemLocation;
    readonly quantity?: ProblemLocation;
    readonly uom?: ProblemLocation;
    readonly unitPrice?: ProblemLocation;
  };
}

/** ISA/GS/ST identifiers kept from an X12 interchange to address acknowledgements. */
export interface X12EnvelopeRef {
  readonly senderQualifier: string;
  /** ISA06, trimmed. */
  readonly senderId: string;
  readonly receiverQualifier: string;
  /** ISA08, trimmed. */
  readonly receiverId: string;
  /** ISA13, 9 digits. */
  readonly interchangeControlNumber: string;
  /** GS01 functional identifier (PO for 850). */
  readonly functionalId: string;
  readonly applicationSenderCode: string;
  readonly applicationReceiverCode: string;
  /** GS06. */
  readonly groupControlNumber: string;
  /** GS08, e.g. 004010. */
  readonly version: string;
  /** ST01. */
  readonly transactionSetId: string;
  /** ST02. */
  readonly setControlNumber: string;
  readonly usageIndicator: string;
}

/** One sales order in the partner's own terms, before any cross-reference. */
export interface PartnerSalesOrder {
  readonly format: DocumentFormat;
  readonly poNumber: string;
  /** ISO date, YYYY-MM-DD. */
  readonly orderDate: string;
  /** The customer code as the partner sends it, from the party its layout prefers (see customerCodeRole). */
  readonly customerCode: string;
  readonly customerCodeRole: CustomerCodeRole;
  readonly shipToCode?: string;
  /** ISO 4217, when sent. */
  readonly currency: string | undefined;
  readonly lines: readonly PartnerSalesOrderLine[];
  readonly locations: {
    readonly order: ProblemLocation;
    readonly poNumber?: ProblemLocation;
    readonly orderDate?: ProblemLocation;
    readonly customer?: ProblemLocation;
    readonly shipTo?: ProblemLocation;
    readonly currency?: ProblemLocation;
  };
  readonly x12?: X12EnvelopeRef;
}

/** One order found in a document: its reference when readable, the order when valid, its own problems. */
export interface SalesOrderEntry {
  /** 0-based position of the order in the document. */
  readonly index: number;
  /** The PO number when it could be read, even if the order has problems. */
  readonly businessRef: string | undefined;
  readonly order: PartnerSalesOrder | undefined;
  readonly problems: readonly DocumentProblem[];
  readonly x12?: X12EnvelopeRef;
}

export interface ParsedSalesOrders {
  readonly format: DocumentFormat;
  /** True when the document and every order in it are free of problems. */
  readonly ok: boolean;
  /** Problems of the document as a whole (encoding, header row, envelope), not of one order. */
  readonly documentProblems: readonly DocumentProblem[];
  readonly entries: readonly SalesOrderEntry[];
  /** The valid orders, in document order. */
  readonly orders: readonly PartnerSalesOrder[];
  /** Every problem: document problems first, then each order's. */
  readonly problems: readonly DocumentProblem[];
}

/** The result of a parser, once every order read has met the canonical field rules (canonical-fields.ts). */
export function parsedSalesOrders(
  format: DocumentFormat,
  readProblems: readonly DocumentProblem[],
  read: readonly SalesOrderEntry[],
): ParsedSalesOrders {
  const entries = checkEntries(read);
  const documentProblems =
    entries.length <= COUNT_LIMITS.ordersPerDocument
      ? readProblems
      : [
          ...readProblems,
          problem(
            DocumentProblemCode.OutOfRange,
            `The document holds ${entries.length} orders; at most ${COUNT_LIMITS.ordersPerDocument} are accepted in one upload.`,
            { kind: 'document' },
          ),
        ];
  const problems = [...documentProblems, ...entries.flatMap((e) => e.problems)];
  const orders = entries.flatMap((e) => (e.order === undefined ? [] : [e.order]));
  return deepFreeze({
    format,
    ok: problems.length === 0 && entries.length > 0,
    documentProblems: [...documentProblems],
    entries: [...entries],
    orders,
    problems,
  });
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
