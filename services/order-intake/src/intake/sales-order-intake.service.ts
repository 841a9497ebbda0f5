// One ingress document to one order decision. The duplicate guard is the business key (partner, PO
// number): the `orders` primary key. Three kinds of repeats are told apart:
//   - the same record again (redelivery, replay): the inbox on its message-id makes it a no-op;
//   - the same document under another message id (a re-publish): its tracking id is already on the
//     order, so nothing changes;
//   - a resubmission (new tracking id, same PO number, e.g. a new Idempotency-Key): the tracking id is
//     added to the order's documentIds and duplicateDocumentIds and a new version is published, so the
//     gateway's transaction index links it to the original order. No Odoo command and no acknowledgement
//     of its own: the order's one acknowledgement lists every tracking id known when it is sent.
// A correction (the ops console's replay of a rejected order, `document.correction`) is the one repeat
// that is decided again: only while the order is rejected at intake (nothing was ever sent to Odoo), so
// the first accepted correction issues the commands and every later one is a plain duplicate.
import { type IngressDocument, OrderStatus } from '@tradewind/contracts';
import { HEADER, type RecordHeaders } from '@tradewind/messaging';
import { createLogger, TransactionStage } from '@tradewind/observability';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import type { Inbox } from '@tradewind/persistence';
import { withTransaction } from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import {
  countAcknowledgement,
  countReasons,
  countStage,
  type OrderIntakeMetrics,
} from '../metrics/order-intake.metrics';
import { OrderIntakeErrorCode, OrderIntakeException } from '../order-intake.exception';
import { type DocumentSource, orderRejectionException } from '../orders/order-exception';
import { orderIdOf, saleOrderExternalId } from '../orders/order-identity';
import { intakeTransitions } from '../orders/order-lifecycle';
import type { OrderRecord } from '../orders/order-record';
import type { OrderTransitions, TransitionReport } from '../orders/order-transitions';
import type { OrdersRepository } from '../orders/orders.repository';
import type { PriceBook } from '../pricing/price-book';
import {
  reservableLines,
  reservationRequestsFor,
  type ReservationSettings,
} from '../reservations/order-reservations';
import { decodePartnerOrder } from './partner-order.decoder';
import { judgeOrder, mapPartnerOrder, type OrderVerdict } from './sales-order.evaluator';

export type IntakeOutcome = 'accepted' | 'reserving' | 'rejected' | 'duplicate' | 'redelivered';

/** The verdict and the price list it was priced on. */
type Priced = OrderVerdict & { pricelistRef: string | null };

interface IntakeResult {
  outcome: IntakeOutcome;
  /** The reasons of a rejection (for metrics). */
  problems: OrderRecord['problems'];
  report?: TransitionReport;
}

/** What a document that arrives for a known order is. */
export function classifyRepeat(
  order: Pick<OrderRecord, 'documentIds'>,
  documentId: string,
): 'redelivered' | 'duplicate' {
  return order.documentIds.includes(documentId) ? 'redelivered' : 'duplicate';
}

/** Whether a correction may decide the order again: rejected at intake, nothing ever sent to Odoo. */
export function isCorrectable(
  order: Pick<OrderRecord, 'status' | 'upsertCommandId' | 'odooOrderId' | 'problems'>,
): boolean {
  return (
    (order.status === OrderStatus.Rejected || order.status === OrderStatus.Acknowledged) &&
    order.upsertCommandId === null &&
    order.odooOrderId === null &&
    order.problems.length > 0
  );
}

export class SalesOrderIntake {
  private readonly log = createLogger(SalesOrderIntake.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly orders: OrdersRepository,
    private readonly transitions: OrderTransitions,
    private readonly catalog: PartnerCatalog,
    private readonly priceBook: PriceBook,
    private readonly metrics: OrderIntakeMetrics,
    private readonly consumerGroup: string,
    /** When set, an accepted order waits in `validated` for inventory-sync to hold its lines. */
    private readonly reservations?: ReservationSettings,
  ) {}

  /**
   * Decides on one document. Business-rule failures of the order (unknown SKU, customer, price) are a
   * normal `rejected` outcome; a record that cannot be an order throws an OrderIntakeException with a
   * business code; anything else thrown is technical (retried).
   */
  async handle(
    document: IngressDocument,
    headers: RecordHeaders,
    source?: DocumentSource,
  ): Promise<IntakeOutcome> {
    const { format, order: partnerOrder } = decodePartnerOrder(
      document,
      this.catalog.layoutOf(document.partnerId),
    );
    const partner = this.catalog.partner(document.partnerId);
    if (partner === undefined) {
      throw new OrderIntakeException(
        OrderIntakeErrorCode.UnknownPartner,
        `document ${document.documentId} comes from partner ${document.partnerId}, which is not in the partner catalog`,
      );
    }
    const poNumber = partnerOrder.poNumber;
    if (document.businessRef !== null && document.businessRef !== poNumber) {
      this.log.warn(
        { documentId: document.documentId, businessRef: document.businessRef, poNumber },
        'businessRef differs from the PO number',
      );
    }
    const messageId = headers[HEADER.messageId] ?? `document:${document.documentId}`;

    // A known order needs no prices (it can only be repeated), so Odoo is read for new orders only, and
    // before the transaction: no row lock is held while Odoo answers.
    const known = await this.orders.find(this.dataSource, partner.id, poNumber);
    let verdict: Priced | undefined;
    const correcting = document.correction !== null && known !== undefined && isCorrectable(known);
    if (known === undefined || correcting) {
      const mapped = mapPartnerOrder(partnerOrder, partner, this.catalog);
      // Nothing mapped, nothing to price: the order is rejected without asking Odoo.
      const quote =
        mapped.skus.length === 0
          ? undefined
          : await this.priceBook.quote(mapped.customerExternalId, mapped.skus);
      verdict = {
        ...judgeOrder(mapped, quote?.prices ?? new Map()),
        pricelistRef: quote?.pricelist.ref ?? null,
      };
    }

    const result = await withTransaction(this.dataSource, async (manager): Promise<IntakeResult> => {
      let decided: IntakeResult = { outcome: 'redelivered', problems: [] };
      await this.inbox.runOnce(manager, { consumerGroup: this.consumerGroup, messageId }, async () => {
        decided = await this.decide(manager, document, format, partnerOrder, verdict, {
          source,
          correlationId: headers[HEADER.correlationId] ?? null,
        });
      });
      return decided;
    });

    // A reserving order is counted when inventory-sync's reply decides it (ReservationRepliesService).
    if (result.outcome !== 'redelivered' && result.outcome !== 'reserving') {
      const seconds = (Date.now() - document.receivedAt) / 1000;
      countStage(this.metrics, partner.id, TransactionStage.Validated, result.outcome, seconds);
    }
    countReasons(
      this.metrics,
      partner.id,
      TransactionStage.Validated,
      result.problems.map((p) => p.code),
    );
    countAcknowledgement(this.metrics, partner.id, result.report);
    return result.outcome;
  }

  /** In the transaction, after the inbox let the record through. */
  private async decide(
    manager: EntityManager,
    document: IngressDocument,
    format: OrderRecord['format'],
    partnerOrder: OrderRecord['partnerOrder'],
    verdict: Priced | undefined,
    origin: { source: DocumentSource | undefined; correlationId: string | null },
  ): Promise<IntakeResult> {
    const partnerId = document.partnerId;
    if (verdict !== undefined && document.correction !== null) {
      const existing = await this.orders.lockByKey(manager, partnerId, partnerOrder.poNumber);
      if (
        existing !== undefined &&
        isCorrectable(existing) &&
        !existing.documentIds.includes(document.documentId)
      ) {
        return this.correct(manager, existing, document, partnerOrder, verdict, origin);
      }
    }
    if (verdict !== undefined) {
      const order = this.newOrder(document, format, partnerOrder, verdict);
      if (await this.orders.insert(manager, order)) {
        await this.transitions.publish(manager, order);
        order.problems = [...verdict.problems];
        if (verdict.accepted && this.reservations !== undefined) {
          const reserving = await this.requestReservations(manager, order, this.reservations);
          if (reserving !== undefined) return reserving;
        }
        const accepted = order.problems.length === 0;
        const statuses = intakeTransitions(accepted, this.transitions.acknowledges(partnerId));
        const report = await this.transitions.advance(manager, order, statuses.slice(1));
        if (!accepted) await this.raise(manager, order, document.documentId, origin);
        return { outcome: accepted ? 'accepted' : 'rejected', problems: order.problems, report };
      }
    }
    // Known, or inserted concurrently since the look before the transaction: a repeat of an existing order.
    const existing = await this.orders.lockByKey(manager, partnerId, partnerOrder.poNumber);
    if (existing === undefined)
      throw new Error(`order ${orderIdOf(partnerId, partnerOrder.poNumber)} vanished`);
    const outcome = classifyRepeat(existing, document.documentId);
    if (outcome === 'duplicate') {
      await this.transitions.recordDuplicate(manager, existing, document.documentId);
      this.log.info(
        {
          orderId: existing.orderId,
          documentId: document.documentId,
          original: existing.documentIds[0],
          status: existing.status,
        },
        'resubmitted order recognised as a duplicate of the original',
      );
    }
    return { outcome, problems: [] };
  }

  /**
   * A correction of an order rejected at intake, judged like a new order: accepted, it takes the normal
   * path (reservations or `accepted` with its Odoo commands, then the acceptance acknowledgement); still
   * rejected, it stays rejected with the new reasons and a new exception (which supersedes the older).
   */
  private async correct(
    manager: EntityManager,
    order: OrderRecord,
    document: IngressDocument,
    partnerOrder: OrderRecord['partnerOrder'],
    verdict: Priced,
    origin: { source: DocumentSource | undefined; correlationId: string | null },
  ): Promise<IntakeResult> {
    order.partnerOrder = partnerOrder;
    order.canonicalOrder = verdict.canonical ?? null;
    order.pricedLines = verdict.accepted ? [...verdict.priced] : null;
    order.pricelistRef = verdict.pricelistRef;
    order.lines = [...verdict.lines];
    order.customerRef = verdict.canonical?.customer.customerId ?? order.customerRef;
    order.currency = verdict.canonical?.currency ?? order.currency;
    order.documentIds = [...order.documentIds, document.documentId];
    // The rejection's acknowledgement is history: the acceptance is a document of its own.
    order.ackOutboundId = null;
    order.ackControlNumber = null;
    order.acknowledgedAt = null;
    await this.orders.replaceContent(manager, order);
    this.log.info(
      { orderId: order.orderId, documentId: document.documentId, accepted: verdict.accepted },
      'rejected order corrected',
    );
    if (!verdict.accepted) {
      order.problems = [...verdict.problems];
      const report = await this.transitions.advance(manager, order, [OrderStatus.Rejected]);
      await this.raise(manager, order, document.documentId, origin);
      return { outcome: 'rejected', problems: order.problems, report };
    }
    order.problems = [];
    if (this.reservations !== undefined) {
      const reserving = await this.requestReservations(manager, order, this.reservations);
      if (reserving !== undefined) return reserving;
      const report = await this.transitions.advance(manager, order, [OrderStatus.Rejected]);
      await this.raise(manager, order, document.documentId, origin);
      return { outcome: 'rejected', problems: order.problems, report };
    }
    const report = await this.transitions.advance(manager, order, [
      OrderStatus.Validated,
      OrderStatus.Accepted,
    ]);
    return { outcome: 'accepted', problems: [], report };
  }

  private async raise(
    manager: EntityManager,
    order: OrderRecord,
    documentId: string,
    origin: { source: DocumentSource | undefined; correlationId: string | null },
  ): Promise<void> {
    const exception = orderRejectionException(
      order,
      documentId,
      this.consumerGroup,
      origin.source,
      origin.correlationId,
      new Date(),
    );
    await this.transitions.raiseException(manager, order, exception);
  }

  /**
   * The order stops at `validated` with one reservation request per SKU; the reply moves it on
   * (ReservationRepliesService). Undefined, with the problems on the order, when a line cannot be
   * reserved at all (a fraction of a unit): then it is rejected at once.
   */
  private async requestReservations(
    manager: EntityManager,
    order: OrderRecord,
    settings: ReservationSettings,
  ): Promise<IntakeResult | undefined> {
    // The partner's terms in the catalog first; RESERVATION_POLICY / RESERVATION_HOLD_TTL for the rest.
    const terms = this.catalog.reservationTerms(order.partnerId);
    const holdTtlMs = terms.holdTtlMs ?? settings.holdTtlMs;
    const { requests, problems } = reservationRequestsFor(reservableLines(order), {
      orderId: order.orderId,
      partnerId: order.partnerId,
      shortagePolicy: terms.shortagePolicy ?? settings.policy,
      holdTtlMs: holdTtlMs > 0 ? holdTtlMs : undefined,
      now: new Date(),
    });
    if (problems.length > 0) {
      order.problems = problems;
      return undefined;
    }
    const report = await this.transitions.advance(manager, order, [OrderStatus.Validated]);
    await this.transitions.requestReservations(manager, order, requests);
    return { outcome: 'reserving', problems: [], report };
  }

  private newOrder(
    document: IngressDocument,
    format: OrderRecord['format'],
    partnerOrder: OrderRecord['partnerOrder'],
    verdict: Priced,
  ): OrderRecord {
    const partner = this.catalog.partner(document.partnerId)!;
    const canonical = verdict.canonical ?? null;
    const customer =
      canonical?.customer ??
      (partner.mappingSet === undefined
        ? undefined
        : this.catalog.resolveCustomer(partner.mappingSet, partnerOrder.customerCode));
    return {
      orderId: orderIdOf(partner.id, partnerOrder.poNumber),
      partnerId: partner.id,
      poNumber: partnerOrder.poNumber,
      externalId: saleOrderExternalId(partner.id, partnerOrder.poNumber),
      status: OrderStatus.Received,
      version: 1,
      documentIds: [document.documentId],
      duplicateDocumentIds: [],
      format,
      interchangeRef: document.interchangeRef,
      partnerOrder,
      canonicalOrder: canonical,
      pricedLines: verdict.accepted ? [...verdict.priced] : null,
      pricelistRef: verdict.pricelistRef,
      lines: [...verdict.lines],
      // The reasons become visible with `rejected`, not on `received`.
      problems: [],
      customerRef: customer?.customerId ?? null,
      currency: canonical?.currency ?? partnerOrder.currency ?? partner.defaultCurrency,
      upsertCommandId: null,
      confirmCommandId: null,
      odooOrderId: null,
      ackOutboundId: null,
      ackControlNumber: null,
      receivedAt: new Date(document.receivedAt),
      acknowledgedAt: null,
      updatedAt: new Date(),
    };
  }
}
