// The purchase-order workflow, free of Nest: a confirmed Odoo purchase order is sent once in the supplier's
// format (partners.outbound), sent again only as a change (X12 860 or a new version) when what the supplier
// sees changes, and followed through the supplier's answers (855/JSON acknowledgement, 997, ship notice) on
// purchasing.state; price increases beyond tolerance and quantity cuts become business exceptions, accepted
// date changes go to Odoo through the odoo-writer; SLA timers live in PostgreSQL. Every change of a purchase
// order and the records it causes commit in one transaction (the row is locked: a webhook and a poll of the
// same order serialize, the second finds the hash unchanged).
import { createHash } from 'node:crypto';

import {
  CommandType,
  DocumentFormat,
  ExceptionKind,
  HEADER,
  NO_COMMAND_BODY,
  type OdooCommand,
  type OpsException,
  type OutboundDocument,
  type PurchaseOrderEvent,
  type PurchaseOrderLineState,
  type PurchaseOrderState,
  PurchaseOrderStatus,
  TOPICS,
} from '@tradewind/contracts';
import {
  type PartnerCatalog,
  type PartnerConfig,
  type PurchasingSettings,
  SupplierChangePolicy,
  supplierUnitOf,
} from '@tradewind/partner-catalog';
import {
  buildCsvPurchaseOrder,
  buildJsonPurchaseOrder,
  buildX12PurchaseOrder,
  buildX12PurchaseOrderCancellation,
  buildX12PurchaseOrderChange,
  CONTENT_TYPES,
  type PoLineChange,
  type ReceivedFunctionalAck,
  type SupplierAcknowledgement,
  SupplierLineStatus,
  type SupplierOrder,
} from '@tradewind/partner-documents';
import { type OutboxEnqueueRequest, type OutboxWriter, withTransaction } from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import type { Clock } from './clock';
import type { OdooPurchaseOrder } from './odoo-purchase-orders.reader';
import {
  type AgreedLine,
  asAgreed,
  contentHash,
  type MappedLine,
  mapSupplierOrder,
} from './supplier-order.mapper';

export type OfferOutcome =
  | 'sent'
  | 'change-sent'
  | 'cancel-sent'
  | 'cancelled'
  | 'unchanged'
  | 'stale'
  | 'received'
  | 'held'
  | 'not-a-supplier'
  | 'not-confirmed';
export type SlaKind = 'po-acknowledgement' | 'functional-ack';

export interface PurchasingMetrics {
  offered(outcome: OfferOutcome): void;
  slaMissed(kind: SlaKind, supplierId: string): void;
  response(kind: string, outcome: string): void;
}

interface StoredLine extends AgreedLine {
  ackStatus: string | null;
  ackQuantity: number | null;
  ackUnitPrice: number | null;
  ackDate: string | null;
}

interface OrderRow {
  purchase_order_id: string;
  odoo_order_id: string;
  po_number: string;
  supplier_id: string;
  revision: number;
  content_hash: string;
  status: PurchaseOrderStatus;
  currency: string;
  order_date: string;
  /** Odoo's write_date of the order as last applied (null before this column existed). */
  odoo_write_date: string | null;
  lines: StoredLine[];
  trace: {
    status: PurchaseOrderStatus;
    at: number;
    revision: number;
    detail: string | null;
    documentId: string | null;
  }[];
}

export interface PurchasingCoreOptions {
  readonly serviceName: string;
  readonly sourceSystem: string;
}

export const purchaseOrderIdOf = (odooId: number): string => `odoo/${odooId}`;

/** A deterministic UUID from its parts, so a replayed step enqueues the same message id. */
function uuidOf(...parts: (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class PurchasingCore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly catalog: PartnerCatalog,
    private readonly clock: Clock,
    private readonly metrics: PurchasingMetrics,
    private readonly options: PurchasingCoreOptions,
    /** res.partner id → supplier partner id (the catalog's odooVendorRef, resolved in Odoo). */
    private readonly suppliersByVendor: () => Promise<ReadonlyMap<number, string>>,
    /** The order as Odoo has it now (the read-only key), when a read cannot be placed in time. */
    private readonly reread: (odooId: number) => Promise<OdooPurchaseOrder | undefined>,
  ) {}

  /** A purchase order as Odoo has it now (from a webhook or the poll): sent, changed, or nothing. */
  async offer(order: OdooPurchaseOrder, correlationId?: string): Promise<OfferOutcome> {
    const outcome = await this.decide(order, correlationId);
    this.metrics.offered(outcome);
    return outcome;
  }

  private async decide(offered: OdooPurchaseOrder, correlationId?: string): Promise<OfferOutcome> {
    let order = offered;
    if (!['purchase', 'done', 'cancel'].includes(order.state)) return 'not-confirmed';
    const supplierId =
      order.vendorId === null ? undefined : (await this.suppliersByVendor()).get(order.vendorId);
    if (supplierId === undefined) return 'not-a-supplier';
    const partner = this.catalog.partner(supplierId)!;
    const settings = partner.purchasing!;
    const id = purchaseOrderIdOf(order.id);
    const now = this.clock.now();
    return withTransaction(this.dataSource, async (manager) => {
      const headers = this.headers(supplierId, correlationId ?? id);
      const existing = await this.lock(manager, id);
      // Read before the version already applied (a webhook's read that lost the race to a later poll):
      // what it shows is older than what we hold, not a change.
      if (
        existing !== undefined &&
        existing.odoo_write_date !== null &&
        order.writeDate < existing.odoo_write_date
      )
        return 'stale';
      if (existing?.odoo_write_date === order.writeDate && this.differs(existing, order, settings)) {
        // Written in the same second as the version applied (write_date is per second), yet other
        // content: which of the two is newer cannot be told from them, so Odoo is asked now, under the
        // lock. That read is newer than every read applied before it.
        order = (await this.reread(order.id)) ?? order;
      }
      if (order.state === 'cancel')
        return this.cancel(manager, order, existing, settings, partner, headers, now);
      const mapped = mapSupplierOrder(order, settings);
      if (!mapped.ok) {
        // Held, not sent: a buyer fixes the vendor's price list in Odoo and the next write sends it.
        const detail = mapped.problems.map((p) => `${p.code}: ${p.message}`).join('; ');
        const exception = this.exception(
          id,
          supplierId,
          'PO_NOT_SENDABLE',
          `${order.name} cannot be sent to ${supplierId}`,
          mapped.problems,
          headers,
          now,
        );
        if (existing !== undefined) {
          await this.outbox.enqueueAll<unknown>(manager, [exception]);
          return 'held';
        }
        const row = this.newRow(order, supplierId, partner, [], '');
        row.status = PurchaseOrderStatus.Held;
        row.trace.push({ status: PurchaseOrderStatus.Held, at: now, revision: 0, detail, documentId: null });
        await this.insert(manager, row);
        await this.outbox.enqueueAll<unknown>(manager, [exception, this.stateRecord(row, headers, now)]);
        return 'held';
      }
      const sentBefore =
        existing !== undefined &&
        existing.revision > 0 &&
        existing.status !== PurchaseOrderStatus.Held &&
        existing.status !== PurchaseOrderStatus.Cancelled;
      // Odoo's order as the supplier agreed it: the dates it promised stand while Odoo shows them, or
      // still shows the one we sent because our write-back of the promise has not landed yet.
      const lines = (sentBefore ? asAgreed(existing.lines, mapped.lines) : mapped.lines).map(fresh);
      const hash = contentHash(lines);
      if (sentBefore && existing.content_hash === hash) {
        // Our write-back seen in Odoo: from now on that date is the one a buyer's change is measured from.
        const seen = existing.lines.map((line) => {
          const read = lines.find((l) => l.odooLineId === line.odooLineId);
          return read === undefined
            ? line
            : { ...line, odooDatePlanned: read.odooDatePlanned, pendingDay: read.pendingDay ?? null };
        });
        const moved =
          existing.odoo_write_date !== order.writeDate ||
          JSON.stringify(seen) !== JSON.stringify(existing.lines);
        existing.odoo_write_date = order.writeDate;
        existing.lines = seen;
        // The goods are in (Odoo's receipt validated): the last step of the trace, once.
        if (order.receiptStatus !== 'full' || existing.status === PurchaseOrderStatus.Received) {
          if (moved) await this.update(manager, existing);
          return 'unchanged';
        }
        existing.status = PurchaseOrderStatus.Received;
        existing.trace.push({
          status: PurchaseOrderStatus.Received,
          at: now,
          revision: existing.revision,
          detail: 'receipt validated in Odoo',
          documentId: null,
        });
        await this.update(manager, existing);
        await this.outbox.enqueueAll<unknown>(manager, [this.stateRecord(existing, headers, now)]);
        return 'received';
      }
      if (!sentBefore) {
        // First sent (or sent again whole after a cancellation was undone in Odoo).
        const row = existing ?? this.newRow(order, supplierId, partner, [], '');
        row.revision += 1;
        row.content_hash = hash;
        row.lines = lines;
        row.status = PurchaseOrderStatus.Sent;
        row.odoo_write_date = order.writeDate;
        const sent = await this.render(manager, row, settings, partner, { kind: 'order' });
        row.trace.push({
          status: PurchaseOrderStatus.Sent,
          at: now,
          revision: row.revision,
          detail: `${sent.documentType} sent`,
          documentId: sent.value.outboundId,
        });
        if (existing === undefined) await this.insert(manager, row);
        else await this.update(manager, row);
        await this.startTimers(manager, row, partner, settings, sent.controlNumber, now);
        await this.outbox.enqueueAll<unknown>(manager, [
          sent.request(headers),
          this.stateRecord(row, headers, now),
        ]);
        return 'sent';
      }
      // A change after sending: per the supplier's policy, never a second new order.
      const previous = existing.lines;
      existing.revision += 1;
      existing.content_hash = hash;
      existing.lines = lines;
      existing.status = PurchaseOrderStatus.Sent;
      existing.odoo_write_date = order.writeDate;
      const sent = await this.render(manager, existing, settings, partner, { kind: 'change', previous });
      existing.trace.push({
        status: PurchaseOrderStatus.Sent,
        at: now,
        revision: existing.revision,
        detail: `${sent.documentType} sent (change, revision ${existing.revision})`,
        documentId: sent.value.outboundId,
      });
      await this.update(manager, existing);
      await this.startTimers(manager, existing, partner, settings, sent.controlNumber, now);
      await this.outbox.enqueueAll<unknown>(manager, [
        sent.request(headers),
        this.stateRecord(existing, headers, now),
      ]);
      return 'change-sent';
    });
  }

  /** True when an order sent reads, as agreed, other than what the supplier has. */
  private differs(existing: OrderRow, order: OdooPurchaseOrder, settings: PurchasingSettings): boolean {
    if (existing.status === PurchaseOrderStatus.Cancelled) return order.state !== 'cancel';
    if (existing.revision === 0) return false;
    if (order.state === 'cancel') return true;
    const mapped = mapSupplierOrder(order, settings);
    return !mapped.ok || contentHash(asAgreed(existing.lines, mapped.lines)) !== existing.content_hash;
  }

  /**
   * Cancelled in Odoo: an order the supplier has is cancelled with it per its format (X12 860 BCH01 01, a
   * JSON or CSV revision with purpose cancel), once; one never sent just ends its trace.
   */
  private async cancel(
    manager: EntityManager,
    order: OdooPurchaseOrder,
    existing: OrderRow | undefined,
    settings: PurchasingSettings,
    partner: PartnerConfig,
    headers: Record<string, string>,
    now: number,
  ): Promise<OfferOutcome> {
    if (existing === undefined) return 'not-confirmed';
    if (existing.status === PurchaseOrderStatus.Cancelled) return 'unchanged';
    existing.odoo_write_date = order.writeDate;
    existing.status = PurchaseOrderStatus.Cancelled;
    const records: OutboxEnqueueRequest<unknown>[] = [];
    if (existing.revision === 0) {
      existing.trace.push({
        status: PurchaseOrderStatus.Cancelled,
        at: now,
        revision: 0,
        detail: 'cancelled in Odoo before it was sent',
        documentId: null,
      });
    } else {
      existing.revision += 1;
      const sent = await this.render(manager, existing, settings, partner, { kind: 'cancel' });
      existing.trace.push({
        status: PurchaseOrderStatus.Cancelled,
        at: now,
        revision: existing.revision,
        detail: `${sent.documentType} sent (cancellation, revision ${existing.revision})`,
        documentId: sent.value.outboundId,
      });
      // No acknowledgement is awaited for a cancelled order; an X12 one still gets its 997.
      await this.closeTimers(manager, existing.purchase_order_id, 'po-acknowledgement', now);
      await this.startFunctionalAckTimer(manager, existing, partner, settings, sent.controlNumber, now);
      records.push(sent.request(headers));
    }
    await this.update(manager, existing);
    records.push(this.stateRecord(existing, headers, now));
    await this.outbox.enqueueAll<unknown>(manager, records);
    return existing.revision === 0 ? 'cancelled' : 'cancel-sent';
  }

  /** The supplier's 855 or JSON acknowledgement for one of its orders. */
  async acknowledge(
    supplierId: string,
    ack: SupplierAcknowledgement,
    documentId: string,
    correlationId?: string,
  ): Promise<string> {
    const partner = this.catalog.partner(supplierId);
    const now = this.clock.now();
    const outcome = await withTransaction(this.dataSource, async (manager) => {
      if (!(await this.firstApplication(manager, `${documentId}/${ack.poNumber}`))) return 'duplicate';
      const row = await this.lockByPoNumber(manager, supplierId, ack.poNumber);
      if (row === undefined) return 'unknown-order';
      // The buyer cancelled it (and the supplier was told): its dates no longer go to Odoo.
      if (row.status === PurchaseOrderStatus.Cancelled) return 'cancelled-order';
      const headers = this.headers(supplierId, correlationId ?? row.purchase_order_id);
      const tolerance = partner?.priceTolerancePct ?? 0;
      const problems: { code: string; message: string; location: string }[] = [];
      const dates: { lineRef: string; datePlanned: string }[] = [];
      for (const answer of ack.lines) {
        const line = row.lines.find((l) => l.lineNumber === answer.lineNumber);
        const location = `${ack.poNumber} line ${answer.lineNumber}`;
        if (line === undefined) {
          problems.push({
            code: 'UNKNOWN_LINE',
            message: `The supplier answered line ${answer.lineNumber}, which the order does not have.`,
            location,
          });
          continue;
        }
        line.ackStatus = answer.status;
        line.ackQuantity = answer.quantity ?? line.quantity;
        line.ackUnitPrice = answer.unitPrice ?? line.unitPrice;
        line.ackDate = answer.date ?? line.expectedDate;
        if (answer.status === SupplierLineStatus.Rejected) {
          problems.push({
            code: 'LINE_REJECTED',
            message: `The supplier rejected line ${line.lineNumber} (${line.sku}).`,
            location,
          });
          continue;
        }
        if (line.ackUnitPrice > line.unitPrice * (1 + tolerance / 100) + 1e-9) {
          problems.push({
            code: 'PRICE_ABOVE_TOLERANCE',
            message: `${line.sku}: the supplier's price ${line.ackUnitPrice} per ${line.uom} is more than ${tolerance}% above ours (${line.unitPrice}).`,
            location,
          });
        }
        if (line.ackQuantity < line.quantity) {
          problems.push({
            code: 'QUANTITY_CUT',
            message: `${line.sku}: the supplier confirms ${line.ackQuantity} ${line.uom} of ${line.quantity}.`,
            location,
          });
        }
        if (line.ackDate !== line.expectedDate) {
          // An accepted change: Odoo's planned date follows the supplier's promise, and what we hold as
          // sent follows it too, so Odoo's write of it is not a change to send back.
          dates.push({ lineRef: String(line.odooLineId), datePlanned: `${line.ackDate}T00:00:00Z` });
          line.expectedDate = line.ackDate;
          // Until Odoo shows it, a read of the order still has the date we sent: not a buyer's change.
          line.pendingDay = line.ackDate;
        }
      }
      row.content_hash = contentHash(row.lines);
      row.status =
        ack.status === 'rejected'
          ? PurchaseOrderStatus.Rejected
          : ack.status === 'changed' || dates.length > 0 || problems.length > 0
            ? PurchaseOrderStatus.Changed
            : PurchaseOrderStatus.Acknowledged;
      row.trace.push({
        status: row.status,
        at: now,
        revision: row.revision,
        detail: `acknowledgement ${ack.status}: ${ack.lines.length} lines, ${dates.length} new dates, ${problems.length} for the buyer`,
        documentId,
      });
      await this.update(manager, row);
      await this.closeTimers(manager, row.purchase_order_id, 'po-acknowledgement', now);
      const records: OutboxEnqueueRequest<unknown>[] = [this.stateRecord(row, headers, now)];
      if (problems.length > 0) {
        records.push(
          this.exception(
            row.purchase_order_id,
            supplierId,
            problems[0].code,
            `${row.po_number}: the supplier's acknowledgement needs a buyer's decision`,
            problems,
            headers,
            now,
            documentId,
          ),
        );
      }
      if (dates.length > 0) records.push(this.datesCommand(row, dates, documentId, headers, now));
      await this.outbox.enqueueAll<unknown>(manager, records);
      return row.status;
    });
    this.metrics.response('po-acknowledgement', outcome);
    return outcome;
  }

  /** The supplier's 997 for one of our interchanges (by its group control number). */
  async functionalAck(
    supplierId: string,
    ack: ReceivedFunctionalAck,
    documentId: string,
    correlationId?: string,
  ): Promise<string> {
    const now = this.clock.now();
    const outcome = await withTransaction(this.dataSource, async (manager) => {
      if (!(await this.firstApplication(manager, `${documentId}/${ack.groupControlNumber}`)))
        return 'duplicate';
      const timers = await manager.query<{ purchase_order_id: string }[]>(
        `UPDATE sla_timers t SET closed_at = $4 FROM purchase_orders o
          WHERE t.purchase_order_id = o.purchase_order_id AND o.supplier_id = $1 AND t.kind = $2
            AND t.control_number = $3 AND t.closed_at IS NULL
          RETURNING t.purchase_order_id`,
        [supplierId, 'functional-ack', ack.groupControlNumber, new Date(now)],
      );
      if (timers.length === 0) return 'unknown-interchange';
      if (ack.accepted) return 'accepted';
      const id = timers[0].purchase_order_id;
      await this.outbox.enqueueAll<unknown>(manager, [
        this.exception(
          id,
          supplierId,
          'FUNCTIONAL_ACK_REJECTED',
          `${supplierId} rejected our interchange (group ${ack.groupControlNumber}, AK9 ${ack.code})`,
          [],
          this.headers(supplierId, correlationId ?? id),
          now,
          documentId,
        ),
      ]);
      return 'rejected';
    });
    this.metrics.response('functional-ack', outcome);
    return outcome;
  }

  /** The supplier shipped (856 or JSON ship notice). */
  async shipped(
    supplierId: string,
    poNumber: string,
    documentId: string,
    correlationId?: string,
  ): Promise<string> {
    const now = this.clock.now();
    return withTransaction(this.dataSource, async (manager) => {
      if (!(await this.firstApplication(manager, `${documentId}/${poNumber}`))) return 'duplicate';
      const row = await this.lockByPoNumber(manager, supplierId, poNumber);
      if (row === undefined) return 'unknown-order';
      row.status = PurchaseOrderStatus.Shipped;
      row.trace.push({
        status: row.status,
        at: now,
        revision: row.revision,
        detail: 'ship notice received',
        documentId,
      });
      await this.update(manager, row);
      await this.outbox.enqueueAll<unknown>(manager, [
        this.stateRecord(row, this.headers(supplierId, correlationId ?? row.purchase_order_id), now),
      ]);
      return 'shipped';
    });
  }

  /** Escalates every SLA timer due at the clock's now: an exception each, once (they survive restarts). */
  async fireDueTimers(): Promise<number> {
    const now = this.clock.now();
    return withTransaction(this.dataSource, async (manager) => {
      const due = await manager.query<
        {
          purchase_order_id: string;
          kind: SlaKind;
          revision: number;
          supplier_id: string;
          po_number: string;
          due_at: Date;
        }[]
      >(
        `SELECT t.purchase_order_id, t.kind, t.revision, o.supplier_id, o.po_number, t.due_at FROM sla_timers t
           JOIN purchase_orders o USING (purchase_order_id)
          WHERE t.due_at <= $1 AND t.fired_at IS NULL AND t.closed_at IS NULL
          ORDER BY t.due_at LIMIT 500 FOR UPDATE OF t SKIP LOCKED`,
        [new Date(now)],
      );
      if (due.length === 0) return 0;
      const records = due.map((timer) => {
        const what = timer.kind === 'po-acknowledgement' ? '855 / acknowledgement' : '997';
        return this.exception(
          timer.purchase_order_id,
          timer.supplier_id,
          timer.kind === 'po-acknowledgement' ? 'ACK_SLA_MISSED' : 'FUNCTIONAL_ACK_SLA_MISSED',
          `${timer.supplier_id} sent no ${what} for ${timer.po_number} (revision ${timer.revision}) by ${timer.due_at.toISOString()}`,
          [],
          this.headers(timer.supplier_id, timer.purchase_order_id),
          now,
          `sla:${timer.kind}:${timer.revision}`,
        );
      });
      for (const timer of due) {
        await manager.query(
          'UPDATE sla_timers SET fired_at = $4 WHERE purchase_order_id = $1 AND kind = $2 AND revision = $3',
          [timer.purchase_order_id, timer.kind, timer.revision, new Date(now)],
        );
        this.metrics.slaMissed(timer.kind, timer.supplier_id);
      }
      await this.outbox.enqueueAll<unknown>(manager, records);
      return due.length;
    });
  }

  // ------------------------------------------------------------------ rendering

  private async render(
    manager: EntityManager,
    row: OrderRow,
    settings: PurchasingSettings,
    partner: PartnerConfig,
    mode:
      | { readonly kind: 'order' }
      | { readonly kind: 'change'; readonly previous: readonly StoredLine[] }
      | { readonly kind: 'cancel' },
  ): Promise<{
    documentType: string;
    value: OutboundDocument;
    controlNumber: string | null;
    request: (h: Record<string, string>) => OutboxEnqueueRequest<OutboundDocument>;
  }> {
    const order: SupplierOrder = {
      poNumber: row.po_number,
      orderDate: row.order_date,
      revision: row.revision,
      currency: row.currency,
      supplierId: row.supplier_id,
      lines: row.lines,
      ...(mode.kind === 'cancel' ? { purpose: 'cancel' as const } : {}),
    };
    let payload: string;
    let documentType: string;
    let format: DocumentFormat;
    let controlNumber: string | null = null;
    if (settings.format === 'x12') {
      const [{ n }] = await manager.query<{ n: string }[]>(
        "SELECT nextval('x12_control_numbers')::text AS n",
      );
      controlNumber = n;
      const us = this.catalog.companyX12();
      const envelope = {
        senderQualifier: us?.qualifier ?? 'ZZ',
        senderId: us?.id ?? 'TRADEWIND',
        receiverQualifier: partner.x12?.qualifier ?? 'ZZ',
        receiverId: partner.x12?.id ?? partner.id.toUpperCase(),
        applicationSenderCode: us?.applicationId,
        applicationReceiverCode: partner.x12?.applicationId,
        interchangeControlNumber: Number(n),
        groupControlNumber: Number(n),
        setControlNumber: 1,
        preparedAt: new Date(this.clock.now()),
        usageIndicator: partner.x12?.usage ?? 'P',
        version: partner.x12?.version ?? '004010',
      } as const;
      format = DocumentFormat.X12;
      if (mode.kind === 'cancel') {
        // Whatever the change policy, an X12 order is cancelled by an 860 with BCH01 01.
        documentType = 'x12-860';
        payload = buildX12PurchaseOrderCancellation(order, envelope);
      } else if (mode.kind === 'change' && settings.changePolicy === SupplierChangePolicy.X12ChangeOrder) {
        documentType = 'x12-860';
        payload = buildX12PurchaseOrderChange(order, lineChanges(mode.previous, row.lines), envelope);
      } else {
        documentType = 'x12-850';
        payload = buildX12PurchaseOrder(order, envelope);
      }
    } else if (settings.format === 'json') {
      documentType = 'purchase-order';
      format = DocumentFormat.Json;
      payload = buildJsonPurchaseOrder(order);
    } else {
      documentType = 'purchase-order';
      format = DocumentFormat.Csv;
      payload = buildCsvPurchaseOrder(order);
    }
    const value: OutboundDocument = {
      outboundId: `${documentType}:${row.purchase_order_id}:r${row.revision}`,
      partnerId: row.supplier_id,
      documentType,
      format,
      contentType: CONTENT_TYPES[format],
      relatesTo: [row.purchase_order_id],
      // A PO's revisions are delivered in order (an 860 never overtakes its 850).
      orderingKey: row.purchase_order_id,
      payload: Buffer.from(payload, 'utf8'),
      createdAt: this.clock.now(),
    };
    return {
      documentType,
      value,
      controlNumber,
      request: (headers) => ({
        topic: TOPICS.partnersOutbound,
        key: row.supplier_id,
        value,
        headers,
        messageId: uuidOf(value.outboundId),
      }),
    };
  }

  // ------------------------------------------------------------------ records

  private stateRecord(
    row: OrderRow,
    headers: Record<string, string>,
    now: number,
  ): OutboxEnqueueRequest<PurchaseOrderState> {
    // Our Units in one supplier unit, from the supplier's packs (10 DZ of nuts are 120 Units): the
    // reconciler compares them with Odoo's product_uom_qty.
    const settings = this.catalog.partner(row.supplier_id)?.purchasing;
    const value: PurchaseOrderState = {
      purchaseOrderId: row.purchase_order_id,
      odooOrderId: Number(row.odoo_order_id),
      poNumber: row.po_number,
      supplierId: row.supplier_id,
      revision: row.revision,
      status: row.status,
      currency: row.currency,
      lines: row.lines.map((l): PurchaseOrderLineState => ({
        lineNumber: l.lineNumber,
        sku: l.sku,
        supplierPartNumber: l.supplierPartNumber,
        quantity: l.quantity,
        uom: l.uom,
        unitsPerUom: settings === undefined ? 1 : supplierUnitOf(settings, l.sku).unitsPer,
        unitPrice: l.unitPrice,
        expectedDate: l.expectedDate,
        ackStatus: l.ackStatus,
        ackQuantity: l.ackQuantity,
        ackUnitPrice: l.ackUnitPrice,
        ackDate: l.ackDate,
      })),
      trace: row.trace.map((t): PurchaseOrderEvent => ({ ...t })),
      updatedAt: now,
    };
    return { topic: TOPICS.purchasingState, key: row.purchase_order_id, value, headers };
  }

  private exception(
    key: string,
    supplierId: string,
    code: string,
    message: string,
    details: readonly { code: string; message: string; location: string }[],
    headers: Record<string, string>,
    now: number,
    cause = '',
  ): OutboxEnqueueRequest<OpsException> {
    const exceptionId = uuidOf('exception', key, code, cause, message);
    return {
      topic: TOPICS.opsExceptions,
      key,
      messageId: exceptionId,
      headers,
      value: {
        exceptionId,
        kind: ExceptionKind.Business,
        code,
        message,
        service: this.options.serviceName,
        sourceTopic: TOPICS.purchasingState,
        sourcePartition: -1,
        sourceOffset: '',
        sourceKey: key,
        partnerId: supplierId,
        correlationId: headers[HEADER.correlationId] ?? null,
        details: details.map((d) => ({ code: d.code, message: d.message, location: d.location })),
        occurredAt: now,
        // The console's queue: purchasing, per purchase order (a later exception of it supersedes this one).
        workflow: 'purchasing',
        documentType: 'purchase-order',
        businessKey: key,
        documentId: cause === '' || cause.startsWith('sla:') ? null : cause,
        documentVersion: null,
        record: null,
      },
    };
  }

  private datesCommand(
    row: OrderRow,
    lines: { lineRef: string; datePlanned: string }[],
    documentId: string,
    headers: Record<string, string>,
    now: number,
  ): OutboxEnqueueRequest<OdooCommand> {
    const commandId = createHash('sha256')
      .update(`${row.purchase_order_id}|dates|${documentId}`)
      .digest('hex')
      .slice(0, 32);
    // The key and externalId name the order (the writer's ledger and key order); Odoo has no external id
    // for an order made in Odoo, so the body names it by database id.
    const externalId = `tradewind.purchase_order_${row.odoo_order_id}`;
    return {
      topic: TOPICS.odooCommands,
      key: externalId,
      messageId: uuidOf(commandId),
      headers,
      value: {
        commandId,
        externalId,
        type: CommandType.SetPurchaseLineDates,
        issuedBy: this.options.serviceName,
        issuedAt: now,
        ...NO_COMMAND_BODY,
        setPurchaseLineDates: { orderRef: String(row.odoo_order_id), lines },
      },
    };
  }

  private headers(supplierId: string, correlationId: string): Record<string, string> {
    return {
      [HEADER.partnerId]: supplierId,
      [HEADER.correlationId]: correlationId,
      [HEADER.sourceSystem]: this.options.sourceSystem,
    };
  }

  // ------------------------------------------------------------------ timers

  private async startTimers(
    manager: EntityManager,
    row: OrderRow,
    partner: PartnerConfig,
    settings: PurchasingSettings,
    controlNumber: string | null,
    now: number,
  ): Promise<void> {
    // A new revision replaces the wait for the previous one's answer.
    await this.closeTimers(manager, row.purchase_order_id, 'po-acknowledgement', now);
    await this.startTimer(
      manager,
      row,
      'po-acknowledgement',
      partner.sla.acknowledgeWithinMinutes,
      null,
      now,
    );
    await this.startFunctionalAckTimer(manager, row, partner, settings, controlNumber, now);
  }

  /** X12 only: the 997 for the interchange just sent, within the supplier's SLA when it has one. */
  private async startFunctionalAckTimer(
    manager: EntityManager,
    row: OrderRow,
    partner: PartnerConfig,
    settings: PurchasingSettings,
    controlNumber: string | null,
    now: number,
  ): Promise<void> {
    if (settings.format !== 'x12' || partner.sla.functionalAckWithinMinutes === undefined) return;
    await this.startTimer(
      manager,
      row,
      'functional-ack',
      partner.sla.functionalAckWithinMinutes,
      controlNumber,
      now,
    );
  }

  private async startTimer(
    manager: EntityManager,
    row: OrderRow,
    kind: SlaKind,
    minutes: number,
    control: string | null,
    now: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO sla_timers (purchase_order_id, kind, revision, control_number, due_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [row.purchase_order_id, kind, row.revision, control, new Date(now + minutes * 60_000)],
    );
  }

  private async closeTimers(manager: EntityManager, id: string, kind: SlaKind, now: number): Promise<void> {
    await manager.query(
      'UPDATE sla_timers SET closed_at = $3 WHERE purchase_order_id = $1 AND kind = $2 AND closed_at IS NULL',
      [id, kind, new Date(now)],
    );
  }

  // ------------------------------------------------------------------ rows

  private newRow(
    order: OdooPurchaseOrder,
    supplierId: string,
    partner: PartnerConfig,
    lines: StoredLine[],
    hash: string,
  ): OrderRow {
    return {
      purchase_order_id: purchaseOrderIdOf(order.id),
      odoo_order_id: String(order.id),
      po_number: order.name,
      supplier_id: supplierId,
      revision: 0,
      content_hash: hash,
      status: PurchaseOrderStatus.Unknown,
      currency: partner.defaultCurrency,
      order_date: (order.dateApprove ?? order.dateOrder).slice(0, 10),
      odoo_write_date: order.writeDate,
      lines,
      trace: [],
    };
  }

  /** Marks a supplier document applied; false when it was already (rolled back with the transaction). */
  private async firstApplication(manager: EntityManager, documentId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      'INSERT INTO supplier_documents (document_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1',
      [documentId],
    );
    return rows.length === 1;
  }

  private async lock(manager: EntityManager, id: string): Promise<OrderRow | undefined> {
    // A first sight of the order (webhook) races another (poll): the advisory lock serializes them, so
    // the second finds the first's row and the same hash.
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [id]);
    const [row] = await manager.query<OrderRow[]>(
      'SELECT * FROM purchase_orders WHERE purchase_order_id = $1 FOR UPDATE',
      [id],
    );
    return row;
  }

  private async lockByPoNumber(
    manager: EntityManager,
    supplierId: string,
    poNumber: string,
  ): Promise<OrderRow | undefined> {
    const [row] = await manager.query<OrderRow[]>(
      'SELECT * FROM purchase_orders WHERE supplier_id = $1 AND po_number = $2 FOR UPDATE',
      [supplierId, poNumber],
    );
    return row;
  }

  private async insert(manager: EntityManager, row: OrderRow): Promise<void> {
    await manager.query(
      `INSERT INTO purchase_orders (purchase_order_id, odoo_order_id, po_number, supplier_id, revision, content_hash,
         status, currency, order_date, lines, trace, odoo_write_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12)`,
      [
        row.purchase_order_id,
        row.odoo_order_id,
        row.po_number,
        row.supplier_id,
        row.revision,
        row.content_hash,
        row.status,
        row.currency,
        row.order_date,
        JSON.stringify(row.lines),
        JSON.stringify(row.trace),
        row.odoo_write_date,
      ],
    );
  }

  private async update(manager: EntityManager, row: OrderRow): Promise<void> {
    await manager.query(
      `UPDATE purchase_orders SET revision = $2, content_hash = $3, status = $4, lines = $5::jsonb, trace = $6::jsonb,
         odoo_write_date = GREATEST(odoo_write_date, $7), updated_at = now() WHERE purchase_order_id = $1`,
      [
        row.purchase_order_id,
        row.revision,
        row.content_hash,
        row.status,
        JSON.stringify(row.lines),
        JSON.stringify(row.trace),
        row.odoo_write_date,
      ],
    );
  }
}

/** A line as agreed, with no answer of the supplier yet. */
const fresh = (line: MappedLine | AgreedLine): StoredLine => ({
  ...line,
  ackStatus: null,
  ackQuantity: null,
  ackUnitPrice: null,
  ackDate: null,
});

/** The 860's lines: changed (CA), added (AI) and deleted (DI) since the revision sent before. */
function lineChanges(previous: readonly StoredLine[], current: readonly MappedLine[]): PoLineChange[] {
  const changes: PoLineChange[] = [];
  for (const line of current) {
    const before = previous.find((p) => p.lineNumber === line.lineNumber);
    if (before === undefined) changes.push({ code: 'AI', line, previousQuantity: 0 });
    else if (contentHash([before]) !== contentHash([line]))
      changes.push({ code: 'CA', line, previousQuantity: before.quantity });
  }
  for (const before of previous) {
    if (!current.some((l) => l.lineNumber === before.lineNumber))
      changes.push({ code: 'DI', line: before, previousQuantity: before.quantity });
  }
  return changes;
}
