// Moves an order through its lifecycle inside the caller's transaction: every status is a new version
// and an orders.state record; reaching `accepted` issues the Odoo commands, reaching `acknowledged` the
// partner's acknowledgement. All of it goes through the outbox, so the orders row and everything the
// order publishes commit together or not at all.
import {
  type OpsException,
  OrderStatus,
  type ReservationRelease,
  type ReservationRequest,
  TOPICS,
} from '@tradewind/contracts';
import { HEADER } from '@tradewind/messaging';
import { currentCorrelation } from '@tradewind/observability';
import type { PartnerCatalog, PartnerConfig } from '@tradewind/partner-catalog';
import type { OutboxEnqueueRequest, OutboxWriter } from '@tradewind/persistence';
import type { EntityManager } from 'typeorm';

import {
  type AcknowledgedOutcome,
  AcknowledgementKind,
  acknowledgementKindFor,
  buildOrderAcknowledgement,
} from '../acknowledgements/order-acknowledgement.builder';
import { IntakeReasonCode } from '../intake/sales-order.evaluator';
import { saleOrderCommands } from '../odoo/sale-order.commands';
import { outboundMessageIdOf, stateMessageIdOf } from './order-identity';
import { type OrderRecord, toOrderState } from './order-record';
import type { OrdersRepository } from './orders.repository';

export interface OrderTransitionSettings {
  /** Service name: `issuedBy` of commands. */
  readonly issuedBy: string;
  /** Used when an order carries no price list of its own. */
  readonly pricelistRef: string | null;
  readonly warehouseRef: string | null;
}

/** What a run of transitions did, for metrics once the transaction committed. */
export interface TransitionReport {
  acknowledged?: { outcome: AcknowledgedOutcome; secondsSinceReceipt: number };
  commandsIssued: number;
}

export class OrderTransitions {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly orders: OrdersRepository,
    private readonly catalog: PartnerCatalog,
    private readonly settings: OrderTransitionSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether the partner gets acknowledgements (then `acknowledged` follows confirmed and rejected). */
  acknowledges(partnerId: string): boolean {
    const partner = this.catalog.partner(partnerId);
    return partner !== undefined && acknowledgementKindFor(partner) !== undefined;
  }

  /** Publishes the row's current version as it is (a new order right after its insert). */
  async publish(manager: EntityManager, order: OrderRecord): Promise<void> {
    await this.outbox.enqueue(manager, this.stateMessage(order));
  }

  /** A resubmission of a known order: one more tracking id and a new version, nothing else. */
  async recordDuplicate(manager: EntityManager, order: OrderRecord, documentId: string): Promise<void> {
    order.documentIds = [...order.documentIds, documentId];
    order.duplicateDocumentIds = [...order.duplicateDocumentIds, documentId];
    order.version += 1;
    order.updatedAt = this.now();
    await this.outbox.enqueue(manager, this.stateMessage(order));
    await this.orders.update(manager, order);
  }

  /** Takes the (locked) order through `statuses` in order and writes the row. */
  async advance(
    manager: EntityManager,
    order: OrderRecord,
    statuses: readonly OrderStatus[],
  ): Promise<TransitionReport> {
    const report: TransitionReport = { commandsIssued: 0 };
    const partner = this.catalog.partner(order.partnerId);
    let previous = order.status;
    for (const status of statuses) {
      const at = this.now();
      order.version += 1;
      order.status = status;
      order.updatedAt = at;
      const messages: OutboxEnqueueRequest[] = [];
      if (status === OrderStatus.Accepted) {
        const commands = this.commandMessages(order, partner);
        messages.push(this.stateMessage(order), ...commands);
        report.commandsIssued += commands.length;
      } else if (status === OrderStatus.Acknowledged) {
        const outcome: AcknowledgedOutcome = previous === OrderStatus.Rejected ? 'rejected' : 'accepted';
        const ack = await this.acknowledgementMessage(manager, order, partner, outcome, at);
        if (ack !== undefined) {
          messages.push(ack);
          report.acknowledged = {
            outcome,
            secondsSinceReceipt: (at.getTime() - order.receivedAt.getTime()) / 1000,
          };
        }
        messages.push(this.stateMessage(order));
      } else {
        messages.push(this.stateMessage(order));
      }
      await this.outbox.enqueueAll(manager, messages);
      previous = status;
    }
    await this.orders.update(manager, order);
    return report;
  }

  /** Raises a rejected order on ops.exceptions, in the decision's transaction (the ops console queues it). */
  async raiseException(manager: EntityManager, order: OrderRecord, exception: OpsException): Promise<void> {
    await this.outbox.enqueue(manager, {
      topic: TOPICS.opsExceptions,
      key: order.orderId,
      value: exception,
      headers: outboxHeaders(order.partnerId),
      messageId: exception.exceptionId,
    });
  }

  /** Asks inventory-sync to hold the order's lines: one request per SKU, keyed by the SKU. */
  async requestReservations(
    manager: EntityManager,
    order: OrderRecord,
    requests: readonly ReservationRequest[],
  ): Promise<void> {
    await this.outbox.enqueueAll(
      manager,
      requests.map((request) => ({
        topic: TOPICS.inventoryReservationRequests,
        key: request.sku,
        value: request,
        headers: outboxHeaders(order.partnerId),
      })),
    );
  }

  /** Gives back what a refused order's other lines hold. */
  async releaseReservations(
    manager: EntityManager,
    order: OrderRecord,
    release: ReservationRelease,
  ): Promise<void> {
    await this.outbox.enqueue(manager, {
      topic: TOPICS.inventoryReservationReleases,
      key: order.orderId,
      value: release,
      headers: outboxHeaders(order.partnerId),
    });
  }

  private stateMessage(order: OrderRecord): OutboxEnqueueRequest {
    return {
      topic: TOPICS.ordersState,
      key: order.orderId,
      value: toOrderState(order),
      headers: outboxHeaders(order.partnerId),
      messageId: stateMessageIdOf(order.orderId, order.version),
    };
  }

  private commandMessages(order: OrderRecord, partner: PartnerConfig | undefined): OutboxEnqueueRequest[] {
    if (order.canonicalOrder === null || order.pricedLines === null) {
      throw new Error(`order ${order.orderId} was accepted without a canonical order`);
    }
    const commands = saleOrderCommands({
      orderId: order.orderId,
      externalId: order.externalId,
      version: order.version,
      order: order.canonicalOrder,
      lines: order.pricedLines,
      partnerName: partner?.name ?? order.partnerId,
      pricelistRef: order.pricelistRef ?? this.settings.pricelistRef,
      warehouseRef: this.settings.warehouseRef,
      issuedBy: this.settings.issuedBy,
      issuedAt: order.updatedAt.getTime(),
    });
    order.upsertCommandId = commands[0].commandId;
    order.confirmCommandId = commands[1].commandId;
    return commands.map((command) => ({
      topic: TOPICS.odooCommands,
      key: command.externalId,
      value: command,
      headers: outboxHeaders(order.partnerId),
      // The command id is a UUID derived from the decision: enqueuing the same command twice fails the
      // transaction instead of sending it twice.
      messageId: command.commandId,
    }));
  }

  private async acknowledgementMessage(
    manager: EntityManager,
    order: OrderRecord,
    partner: PartnerConfig | undefined,
    outcome: AcknowledgedOutcome,
    at: Date,
  ): Promise<OutboxEnqueueRequest | undefined> {
    const kind = partner === undefined ? undefined : acknowledgementKindFor(partner);
    if (partner === undefined || kind === undefined) return undefined;
    const controlNumber =
      kind === AcknowledgementKind.X12PurchaseOrderAck
        ? (order.ackControlNumber ?? (await this.orders.nextControlNumber(manager)))
        : undefined;
    const document = buildOrderAcknowledgement({
      kind,
      partner,
      company: this.catalog.companyX12(),
      orderId: order.orderId,
      order: order.partnerOrder,
      outcome,
      problems: order.problems.filter((p) => p.code !== (IntakeReasonCode.OdooWriteFailed as string)),
      documentIds: order.documentIds,
      ...(outcome === 'accepted' && order.odooOrderId !== null
        ? { sellerOrderRef: String(order.odooOrderId) }
        : {}),
      preparedAt: at,
      ...(controlNumber === undefined ? {} : { controlNumber }),
    });
    order.ackOutboundId = document.outboundId;
    order.ackControlNumber = controlNumber ?? null;
    order.acknowledgedAt = at;
    return {
      topic: TOPICS.partnersOutbound,
      key: partner.id,
      value: document,
      headers: outboxHeaders(partner.id),
      messageId: outboundMessageIdOf(document.outboundId),
    };
  }
}

/**
 * The relay publishes outside any correlation context, so the headers that tie a record to the partner
 * transaction travel in the outbox row: the consumed record's correlation and, as cause, its message id.
 */
function outboxHeaders(partnerId: string): Record<string, string> {
  const context = currentCorrelation();
  const headers: Record<string, string> = { [HEADER.partnerId]: partnerId };
  if (context === undefined) return headers;
  headers[HEADER.correlationId] = context.correlationId;
  if (context.causationId !== undefined) headers[HEADER.causationId] = context.causationId;
  if (context.traceparent !== undefined) headers[HEADER.traceparent] = context.traceparent;
  return headers;
}
