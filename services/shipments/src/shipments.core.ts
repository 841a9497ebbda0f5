// shipments' message handling without NestJS or Kafka: one ingress.documents record is one transaction with
// its inbox mark, each shipment it names locked, its new events stored (a duplicate event key is ignored),
// the milestone state folded again from the whole history in event-time order, and what that causes in the
// outbox: shipments.state, a business exception per newly impossible event, one validate_picking and one
// reservation consumption (inventory.reservation-releases, shipped) per customer order of a ship notice, and
// the customers' notices (one per customer and milestone). The consumer calls it;
// the benchmark and the e2e use it as it is.
import {
  CommandType,
  DocumentFormat,
  ExceptionKind,
  HEADER,
  type IngressDocument,
  type MilestoneEffect,
  NO_COMMAND_BODY,
  type OdooCommand,
  type OpsException,
  type OutboundDocument,
  ReleaseReason,
  type ReservationRelease,
  type ShipmentMilestone,
  type ShipmentState,
  TOPICS,
} from '@tradewind/contracts';
import {
  type PartnerCatalog,
  saleOrderExternalId,
  SHIPMENT_NOTICE_DOCUMENT_TYPE,
} from '@tradewind/partner-catalog';
import {
  buildX12ShipNotice,
  isShipmentDocumentType,
  type ProofOfDelivery,
} from '@tradewind/partner-documents';
import {
  type Inbox,
  type OutboxEnqueueRequest,
  type OutboxWriter,
  uuidFromSeed,
  withTransaction,
} from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import {
  readShipmentDocument,
  shipmentIdOf,
  type ShipmentInput,
  type ShippedOrder,
} from './intake/shipment-documents.reader';
import {
  foldMilestones,
  impossibility,
  isTerminal,
  type MilestoneEvent,
} from './milestones/milestone-machine';
import { ShipmentsErrorCode, ShipmentsException } from './shipments.exception';

export interface ShipmentsCoreOptions {
  /** The inbox keys a record by consumer group and message id. */
  readonly consumerGroup: string;
  /** `issuedBy` of the Odoo commands, `service` of the exceptions. */
  readonly serviceName: string;
  /** Transactions retried on deadlock or serialization failure (default 5). */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}

/** Where the consumed record came from (an exception names it). */
export interface SourceCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** applied: something new was recorded; duplicate: every event was known; skipped: not a shipment document. */
export type DocumentOutcome = 'applied' | 'duplicate' | 'skipped' | 'redelivered';

interface EventRow {
  event_key: string;
  source_partner_id: string;
  source_code: string;
  milestone: ShipmentMilestone;
  event_at: Date;
  received_at: Date;
  status_detail: string | null;
  pod: ProofOfDelivery | null;
  effect: MilestoneEffect;
}

interface StoredEvent extends MilestoneEvent {
  readonly row: EventRow;
}

interface ShipmentRow {
  shipment_id: string;
  carrier: string;
  tracking_number: string;
  shipment_ref: string | null;
  milestone: ShipmentMilestone;
  version: string;
}

interface Context {
  readonly document: IngressDocument;
  readonly headers: Record<string, string>;
  readonly origin: SourceCoordinates;
  readonly now: Date;
}

export class ShipmentsCore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly outbox: OutboxWriter,
    private readonly catalog: PartnerCatalog,
    private readonly options: ShipmentsCoreOptions,
  ) {}

  async onDocument(
    document: IngressDocument,
    headers: Record<string, string>,
    origin: SourceCoordinates,
  ): Promise<DocumentOutcome> {
    if (!isShipmentDocumentType(document.documentType)) return 'skipped';
    // The gateway refuses non-owners already; the platform enforces it again where shipments are written.
    const violation = this.catalog.ownershipViolation(document.partnerId, document.documentType);
    if (violation !== undefined) {
      throw new ShipmentsException(
        ShipmentsErrorCode.NotSystemOfRecord,
        `${document.partnerId} sent ${document.documentType} ${document.documentId}, but ${violation.owner} owns ${violation.domain}`,
      );
    }
    const inputs = readShipmentDocument(document, this.catalog);
    const messageId = headers[HEADER.messageId] ?? `document:${document.documentId}`;
    let changed = false;
    const ran = await withTransaction(
      this.dataSource,
      (manager) =>
        this.inbox.runOnce(manager, { consumerGroup: this.options.consumerGroup, messageId }, async () => {
          const context: Context = { document, headers, origin, now: this.options.now?.() ?? new Date() };
          // One lock order for every transaction: two documents naming the same shipments never deadlock.
          const sorted = [...inputs].sort((a, b) =>
            shipmentIdOf(a.identity) < shipmentIdOf(b.identity) ? -1 : 1,
          );
          const messages: OutboxEnqueueRequest[] = [];
          for (const input of sorted) {
            const caused = await this.apply(manager, input, context);
            if (caused !== undefined) {
              changed = true;
              messages.push(...caused);
            }
          }
          if (messages.length > 0) await this.outbox.enqueueAll(manager, messages);
        }),
      { maxAttempts: this.options.maxAttempts ?? 5 },
    );
    if (!ran) return 'redelivered';
    return changed ? 'applied' : 'duplicate';
  }

  /** The messages one shipment's new events cause; undefined when nothing was new. */
  private async apply(
    m: EntityManager,
    input: ShipmentInput,
    context: Context,
  ): Promise<OutboxEnqueueRequest[] | undefined> {
    const id = shipmentIdOf(input.identity);
    // One statement creates the shipment if new and locks its row: its events are folded one at a time.
    const [before] = await m.query<ShipmentRow[]>(
      `INSERT INTO shipment (shipment_id, carrier, tracking_number, ship_date, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (shipment_id) DO UPDATE SET shipment_id = EXCLUDED.shipment_id
       RETURNING shipment_id, carrier, tracking_number, shipment_ref, milestone, version`,
      [id, input.identity.carrier, input.identity.trackingNumber, input.identity.shipDate, context.now],
    );
    const inserted = await m.query<{ event_key: string }[]>(
      `INSERT INTO shipment_event (shipment_id, event_key, source_partner_id, source_code, milestone, event_at,
         received_at, status_detail, pod, effect)
       SELECT $1, e.event_key, e.source_partner_id, e.source_code, e.milestone, e.event_at, $2, e.status_detail,
              e.pod, 'recorded'
         FROM jsonb_to_recordset($3::jsonb) AS e (event_key text, source_partner_id text, source_code text,
              milestone text, event_at timestamptz, status_detail text, pod jsonb)
       ON CONFLICT DO NOTHING RETURNING event_key`,
      [
        id,
        new Date(context.document.receivedAt),
        JSON.stringify(
          input.events.map((event) => ({
            event_key: event.eventKey,
            source_partner_id: event.sourcePartnerId,
            source_code: event.sourceCode,
            milestone: event.milestone,
            event_at: new Date(event.eventAt).toISOString(),
            status_detail: event.statusDetail ?? null,
            pod: event.proofOfDelivery ?? null,
          })),
        ),
      ],
    );
    const fresh = inserted.length;
    const newOrders: (ShippedOrder & { commandId: string })[] = [];
    for (const order of input.orders) {
      const commandId = uuidFromSeed(`validate-picking|${id}|${order.partnerId}|${order.poNumber}`);
      const claimed = await m.query<unknown[]>(
        `INSERT INTO shipment_order (shipment_id, partner_id, po_number, command_id, lines)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING command_id`,
        [id, order.partnerId, order.poNumber, commandId, JSON.stringify(order.lines)],
      );
      if (claimed.length > 0) newOrders.push({ ...order, commandId });
    }
    if (fresh === 0 && newOrders.length === 0) return undefined;

    const rows = await m.query<EventRow[]>(
      `SELECT event_key, source_partner_id, source_code, milestone, event_at, received_at, status_detail, pod, effect
         FROM shipment_event WHERE shipment_id = $1`,
      [id],
    );
    const fold = foldMilestones<StoredEvent>(
      rows.map((row) => ({
        eventKey: row.event_key,
        milestone: row.milestone,
        eventAt: row.event_at.getTime(),
        row,
      })),
    );
    const messages: OutboxEnqueueRequest[] = [];
    const changedEffects = fold.history.filter((h) => h.effect !== h.event.row.effect);
    if (changedEffects.length > 0) {
      await m.query(
        `UPDATE shipment_event e SET effect = c.effect
           FROM jsonb_to_recordset($2::jsonb) AS c (event_key text, effect text)
          WHERE e.shipment_id = $1 AND e.event_key = c.event_key`,
        [id, JSON.stringify(changedEffects.map((h) => ({ event_key: h.event.eventKey, effect: h.effect })))],
      );
    }
    for (const { event, effect } of changedEffects)
      if (effect === 'impossible') messages.push(this.impossibleEvent(id, event, fold, context));
    const current = fold.current?.row;
    const pod = current?.milestone === 'delivered' ? current.pod : null;
    const version = rows.length;
    await m.query(
      `UPDATE shipment SET milestone = $2, milestone_at = $3, status_detail = $4, terminal = $5, version = $6,
         shipment_ref = COALESCE(shipment_ref, $7), pod = $8, updated_at = $9 WHERE shipment_id = $1`,
      [
        id,
        current?.milestone ?? 'unknown',
        current?.event_at ?? null,
        current?.status_detail ?? null,
        current !== undefined && isTerminal(current.milestone),
        version,
        input.shipmentRef ?? null,
        pod === null ? null : JSON.stringify(pod),
        context.now,
      ],
    );
    const orders = await m.query<{ partner_id: string; po_number: string; command_id: string }[]>(
      'SELECT partner_id, po_number, command_id FROM shipment_order WHERE shipment_id = $1 ORDER BY partner_id, po_number',
      [id],
    );

    const state: ShipmentState = {
      shipmentId: id,
      carrier: input.identity.carrier,
      trackingNumber: input.identity.trackingNumber,
      shipDate: input.identity.shipDate,
      shipmentRef: before.shipment_ref ?? input.shipmentRef ?? null,
      milestone: current?.milestone ?? 'unknown',
      milestoneAt: current?.event_at.getTime() ?? null,
      statusDetail: current?.status_detail ?? null,
      terminal: current !== undefined && isTerminal(current.milestone),
      version,
      orders: orders.map((o) => ({
        partnerId: o.partner_id,
        poNumber: o.po_number,
        pickingValidation: o.command_id,
      })),
      history: fold.history.map(({ event, effect }) => ({
        eventKey: event.eventKey,
        sourcePartnerId: event.row.source_partner_id,
        sourceCode: event.row.source_code,
        milestone: event.milestone,
        eventAt: event.eventAt,
        receivedAt: event.row.received_at.getTime(),
        effect,
      })),
      proofOfDelivery:
        pod === null || current === undefined
          ? null
          : {
              signedBy: pod.signedBy,
              signedAt: pod.signedAtMs,
              place: pod.place ?? null,
              documentUri:
                pod.document === undefined ? null : `/v1/proofs-of-delivery/${pod.document.sha256}`,
              sha256: pod.document?.sha256 ?? null,
              contentType: pod.document?.contentType ?? null,
              sourcePartnerId: current.source_partner_id,
            },
      updatedAt: context.now.getTime(),
    };
    messages.push({
      topic: TOPICS.shipmentsState,
      key: id,
      value: state,
      headers: this.headersFor(context, context.document.partnerId),
      messageId: uuidFromSeed(`shipment-state|${id}|${version}`),
    });
    for (const order of newOrders) {
      messages.push(this.validatePicking(id, input, order, context));
      messages.push(this.consumeReservation(id, order, context));
    }
    messages.push(...(await this.notices(m, state, input, newOrders, context)));
    return messages;
  }

  /** validate_picking for one customer order of a ship notice: its quantities, the tracking reference. */
  private validatePicking(
    id: string,
    input: ShipmentInput,
    order: ShippedOrder & { commandId: string },
    context: Context,
  ): OutboxEnqueueRequest {
    const externalId = saleOrderExternalId(order.partnerId, order.poNumber);
    const command: OdooCommand = {
      ...NO_COMMAND_BODY,
      commandId: order.commandId,
      externalId,
      type: CommandType.ValidatePicking,
      issuedBy: this.options.serviceName,
      issuedAt: context.now.getTime(),
      validatePicking: {
        pickingRef: null,
        orderExternalId: externalId,
        carrierTrackingRef: input.identity.trackingNumber,
        moves: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      },
    };
    return {
      topic: TOPICS.odooCommands,
      key: externalId,
      value: command,
      headers: this.headersFor(context, order.partnerId),
      messageId: uuidFromSeed(`odoo-command|${order.commandId}|${id}`),
    };
  }

  /**
   * The order's reservation consumed by what this shipment carries (decision 0025): once per (shipment,
   * customer order), claimed with its picking validation, so a redelivered or resent 856 sends nothing
   * new. The 856 is where shipped quantities are final (the 3PL owns shipped goods); Odoo's validation
   * may wait for an outage, the stock it concerns left already. `releasedAt` is the notice's receipt at
   * the gateway: the goods had left by then (an 856's ship time is often a date alone, midnight), so a
   * WMS count at or after it includes them.
   */
  private consumeReservation(
    id: string,
    order: ShippedOrder & { commandId: string },
    context: Context,
  ): OutboxEnqueueRequest {
    const orderId = `${order.partnerId}/${order.poNumber}`;
    const value: ReservationRelease = {
      releaseId: `shipment/${id}/${orderId}`,
      orderId,
      reason: ReleaseReason.Shipped,
      lineNos: [],
      releasedAt: context.document.receivedAt,
      shipmentId: id,
      shipped: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    };
    return {
      topic: TOPICS.inventoryReservationReleases,
      key: orderId,
      value,
      headers: this.headersFor(context, order.partnerId),
      messageId: uuidFromSeed(`reservation-release|${order.commandId}|${id}`),
    };
  }

  /** Each customer hears each milestone it subscribed to at most once; an EDI customer gets the 856. */
  private async notices(
    m: EntityManager,
    state: ShipmentState,
    input: ShipmentInput,
    newOrders: readonly ShippedOrder[],
    context: Context,
  ): Promise<OutboxEnqueueRequest[]> {
    const messages: OutboxEnqueueRequest[] = [];
    for (const partnerId of [...new Set(state.orders.map((o) => o.partnerId))]) {
      const subscription = this.catalog.shipmentNotices(partnerId);
      if (subscription === undefined) continue;
      const milestone =
        subscription.format === 'x12'
          ? newOrders.some((o) => o.partnerId === partnerId) && input.notice !== undefined
            ? 'shipped'
            : undefined
          : state.milestone;
      if (milestone === undefined || !subscription.milestones.includes(milestone)) continue;
      const outboundId = `${SHIPMENT_NOTICE_DOCUMENT_TYPE}:${state.shipmentId}:${partnerId}:${milestone}`;
      const claimed = await m.query<unknown[]>(
        `INSERT INTO shipment_notice (shipment_id, partner_id, milestone, outbound_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING outbound_id`,
        [state.shipmentId, partnerId, milestone, outboundId],
      );
      if (claimed.length === 0) continue;
      const poNumbers = state.orders.filter((o) => o.partnerId === partnerId).map((o) => o.poNumber);
      const value: OutboundDocument =
        subscription.format === 'x12'
          ? await this.x12Notice(m, partnerId, outboundId, input, poNumbers, context)
          : {
              outboundId,
              partnerId,
              documentType: SHIPMENT_NOTICE_DOCUMENT_TYPE,
              format: DocumentFormat.Json,
              contentType: 'application/json',
              relatesTo: [],
              payload: Buffer.from(JSON.stringify(jsonNotice(state, poNumbers)), 'utf8'),
              createdAt: context.now.getTime(),
              // partner-delivery keeps a shipment's notices in order (and delivers them once).
              orderingKey: state.shipmentId,
            };
      messages.push({
        topic: TOPICS.partnersOutbound,
        key: partnerId,
        value,
        headers: this.headersFor(context, partnerId),
        messageId: uuidFromSeed(`outbound|${outboundId}`),
      });
    }
    return messages;
  }

  private async x12Notice(
    m: EntityManager,
    partnerId: string,
    outboundId: string,
    input: ShipmentInput,
    poNumbers: readonly string[],
    context: Context,
  ): Promise<OutboundDocument> {
    const us = this.catalog.companyX12();
    const them = this.catalog.partner(partnerId)?.x12;
    const notice = input.notice;
    if (us === undefined || them === undefined || notice === undefined) {
      throw new ShipmentsException(
        ShipmentsErrorCode.UnknownCustomer,
        `no X12 identity for an 856 to ${partnerId} (company.x12 and the partner's x12 are required)`,
      );
    }
    const [{ n }] = await m.query<{ n: string }[]>("SELECT nextval('x12_control_number') AS n");
    const control = Number(n);
    const edi = buildX12ShipNotice(
      [
        {
          ...notice,
          orders: notice.orders
            .filter((o) => poNumbers.includes(o.poNumber) && o.buyer?.code === partnerId)
            .map((o) => ({ poNumber: o.poNumber, packs: o.packs, items: o.items })),
        },
      ],
      {
        senderQualifier: us.qualifier,
        senderId: us.id,
        receiverQualifier: them.qualifier,
        receiverId: them.id,
        applicationSenderCode: us.applicationId ?? us.id,
        applicationReceiverCode: them.applicationId ?? them.id,
        interchangeControlNumber: control,
        groupControlNumber: control,
        setControlNumber: 1,
        preparedAt: context.now,
        usageIndicator: them.usage ?? 'P',
        version: them.version ?? '004010',
      },
    );
    return {
      outboundId,
      partnerId,
      documentType: SHIPMENT_NOTICE_DOCUMENT_TYPE,
      format: DocumentFormat.X12,
      contentType: 'application/edi-x12',
      relatesTo: [],
      payload: Buffer.from(edi, 'utf8'),
      createdAt: context.now.getTime(),
      orderingKey: `${input.identity.carrier}/${input.identity.trackingNumber}/${input.identity.shipDate}`,
    };
  }

  private impossibleEvent(
    id: string,
    event: StoredEvent,
    fold: { history: readonly { event: StoredEvent; effect: MilestoneEffect }[] },
    context: Context,
  ): OutboxEnqueueRequest {
    // The milestone it met: the last advanced one before it in event time.
    const index = fold.history.findIndex((h) => h.event.eventKey === event.eventKey);
    const met = fold.history
      .slice(0, index)
      .filter((h) => h.effect === 'advanced')
      .at(-1)?.event;
    const why = impossibility(met?.milestone, event.milestone) ?? `${event.milestone} cannot follow`;
    const value: OpsException = {
      exceptionId: uuidFromSeed(`impossible-milestone|${id}|${event.eventKey}`),
      kind: ExceptionKind.Business,
      code: 'IMPOSSIBLE_MILESTONE',
      message: `Shipment ${id}: ${event.row.source_partner_id} reports ${why} (event ${event.eventKey} at ${new Date(event.eventAt).toISOString()}, code ${event.row.source_code}); kept in the history, the state stays ${met?.milestone ?? 'unknown'}.`,
      service: this.options.consumerGroup,
      sourceTopic: context.origin.topic,
      sourcePartition: context.origin.partition,
      sourceOffset: context.origin.offset,
      sourceKey: id,
      partnerId: event.row.source_partner_id,
      correlationId: context.headers[HEADER.correlationId] ?? null,
      details: [{ code: 'EVENT', message: event.eventKey, location: null }],
      occurredAt: context.now.getTime(),
      workflow: 'shipment',
      documentType: null,
      businessKey: id,
      documentId: null,
      documentVersion: null,
      record: null,
    };
    return {
      topic: TOPICS.opsExceptions,
      key: id,
      value,
      headers: this.headersFor(context, event.row.source_partner_id),
      messageId: uuidFromSeed(`exception|${value.exceptionId}`),
    };
  }

  private headersFor(context: Context, partnerId: string): Record<string, string> {
    const headers: Record<string, string> = { [HEADER.partnerId]: partnerId };
    const correlationId = context.headers[HEADER.correlationId];
    if (correlationId !== undefined) headers[HEADER.correlationId] = correlationId;
    const messageId = context.headers[HEADER.messageId];
    if (messageId !== undefined) headers[HEADER.causationId] = messageId;
    return headers;
  }
}

/** The JSON shipment notice a customer's webhook receives (signed by partner-delivery). */
export function jsonNotice(state: ShipmentState, poNumbers: readonly string[]): Record<string, unknown> {
  return {
    type: SHIPMENT_NOTICE_DOCUMENT_TYPE,
    version: 1,
    shipmentId: state.shipmentId,
    carrier: state.carrier,
    trackingNumber: state.trackingNumber,
    shipDate: state.shipDate,
    milestone: state.milestone,
    milestoneAt: state.milestoneAt === null ? null : new Date(state.milestoneAt).toISOString(),
    statusDetail: state.statusDetail,
    orders: poNumbers,
    ...(state.proofOfDelivery === null
      ? {}
      : {
          proofOfDelivery: {
            signedBy: state.proofOfDelivery.signedBy,
            signedAt: new Date(state.proofOfDelivery.signedAt).toISOString(),
            place: state.proofOfDelivery.place,
            document: state.proofOfDelivery.documentUri,
          },
        }),
  };
}
