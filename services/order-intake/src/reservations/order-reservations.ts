// order-intake's side of the reservation exchange with inventory-sync (issue 9), pure: the requests an
// order the checks accepted sends (one per SKU, keyed by SKU), and what the reply makes of the order. The
// order waits in `validated` in between (decision 0016).
import {
  assertUnreachable,
  ReleaseReason,
  ReservationOutcome,
  type ReservationRelease,
  type ReservationReply,
  type ReservationRequest,
  type ShortagePolicy,
} from '@tradewind/contracts';
import { type AnyDocumentProblem, problem } from '@tradewind/partner-documents';

import type { PricedLine } from '../intake/sales-order.evaluator';
import type { OrderRecord } from '../orders/order-record';

/** Why a line cannot be reserved (the 855 / JSON ack carries it as the line's reason). */
export enum ReservationReasonCode {
  /** inventory-sync could not hold the line and the partner's policy refuses backorders. */
  InsufficientStock = 'INSUFFICIENT_STOCK',
  /** Stock is counted in whole units; a line converted to a fraction of one cannot be held. */
  FractionalQuantity = 'FRACTIONAL_QUANTITY',
}

/**
 * RESERVATION_POLICY and RESERVATION_HOLD_TTL: the defaults for partners whose catalog entry has no
 * `inventory` terms (shortagePolicy, holdTtlMinutes win where stated).
 */
export interface ReservationSettings {
  readonly policy: Extract<ShortagePolicy, 'reject' | 'backorder'>;
  /** 0: held until released. */
  readonly holdTtlMs: number;
}

export interface ReservationLineRef {
  readonly lineNo: number;
  /** The partner's own line number, for the acknowledgement. */
  readonly partnerLineNumber: string;
}

export interface OrderReservationOptions {
  readonly orderId: string;
  readonly partnerId: string;
  readonly shortagePolicy: ShortagePolicy;
  /** A channel hold's time to live; undefined: held until released. */
  readonly holdTtlMs?: number;
  readonly now: Date;
}

/** An accepted order's priced lines with the partner's line numbers (for the acknowledgement). */
export function reservableLines(order: OrderRecord): (PricedLine & ReservationLineRef)[] {
  const partnerLine = new Map(order.canonicalOrder?.lines.map((l) => [l.lineNo, l.partnerLineNumber]) ?? []);
  return (order.pricedLines ?? []).map((line) => ({
    ...line,
    partnerLineNumber: partnerLine.get(line.lineNo) ?? String(line.lineNo),
  }));
}

/**
 * One request per SKU of the order (key: the SKU), each with that SKU's lines and the order's line
 * count, so inventory-sync replies once for the whole order. Lines in fractions of a unit are problems,
 * not requests.
 */
export function reservationRequestsFor(
  lines: readonly (PricedLine & ReservationLineRef)[],
  options: OrderReservationOptions,
): { requests: ReservationRequest[]; problems: AnyDocumentProblem[] } {
  const problems: AnyDocumentProblem[] = [];
  const bySku = new Map<string, { lineNo: number; quantity: number }[]>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
      problems.push(
        problem(
          ReservationReasonCode.FractionalQuantity,
          `Line ${line.partnerLineNumber}: ${line.quantity} units of ${line.sku} is not a whole number of units.`,
          { kind: 'order', lineNumber: line.partnerLineNumber, field: 'quantity' },
          line.partnerLineNumber,
        ),
      );
      continue;
    }
    bySku.set(line.sku, [...(bySku.get(line.sku) ?? []), { lineNo: line.lineNo, quantity: line.quantity }]);
  }
  if (problems.length > 0) return { requests: [], problems };
  const holdExpiresAt = options.holdTtlMs === undefined ? null : options.now.getTime() + options.holdTtlMs;
  const requests = [...bySku.keys()].sort().map((sku): ReservationRequest => ({
    requestId: `${options.orderId}/${sku}`,
    orderId: options.orderId,
    partnerId: options.partnerId,
    sku,
    orderLineCount: lines.length,
    lines: bySku.get(sku)!,
    shortagePolicy: options.shortagePolicy,
    holdExpiresAt,
    requestedAt: options.now.getTime(),
  }));
  return { requests, problems };
}

export interface ReservationVerdict {
  /** Every line is held or backordered: the order goes on to Odoo. */
  readonly accepted: boolean;
  /** One INSUFFICIENT_STOCK problem per refused line (the acknowledgement rejects those lines). */
  readonly problems: readonly AnyDocumentProblem[];
  /** Lines accepted without stock, for the acknowledgement's backorder status. */
  readonly backorderedLineNos: readonly number[];
  /** When the order is refused: the release of what its other lines hold. */
  readonly release: ReservationRelease | undefined;
}

/** What inventory-sync's reply makes of the order. */
export function judgeReservationReply(
  reply: ReservationReply,
  lines: readonly ReservationLineRef[],
  releaseId: string,
  now: Date,
): ReservationVerdict {
  const partnerLine = new Map(lines.map((l) => [l.lineNo, l.partnerLineNumber]));
  const problems: AnyDocumentProblem[] = [];
  const backorderedLineNos: number[] = [];
  for (const line of reply.lines) {
    const partnerLineNumber = partnerLine.get(line.lineNo) ?? String(line.lineNo);
    switch (line.outcome) {
      case ReservationOutcome.Reserved:
        break;
      case ReservationOutcome.Backordered:
        backorderedLineNos.push(line.lineNo);
        break;
      // Unknown: a newer outcome this build does not know; refusing the line cannot oversell.
      case ReservationOutcome.InsufficientStock:
      case ReservationOutcome.Unknown:
        problems.push(
          problem(
            ReservationReasonCode.InsufficientStock,
            `Line ${partnerLineNumber}: ${line.requested} of ${line.sku} requested, not enough in stock.`,
            { kind: 'order', lineNumber: partnerLineNumber },
            partnerLineNumber,
          ),
        );
        break;
      default:
        return assertUnreachable(line.outcome);
    }
  }
  const accepted = problems.length === 0;
  const holdsSomething = reply.lines.some((l) => l.reserved > 0);
  return {
    accepted,
    problems,
    backorderedLineNos,
    release:
      accepted || !holdsSomething
        ? undefined
        : {
            releaseId,
            orderId: reply.orderId,
            reason: ReleaseReason.Rejected,
            lineNos: [],
            releasedAt: now.getTime(),
            shipmentId: null,
            shipped: [],
          },
  };
}
