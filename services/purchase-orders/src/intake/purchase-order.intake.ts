// What the platform receives about purchase orders, in one place: Odoo's webhook and poll (the same
// order seen twice is offered twice and sent once: the workflow compares what the supplier would see),
// and the suppliers' documents read with partner-documents' readers.
import { type IngressDocument } from '@tradewind/contracts';
import { createLogger } from '@tradewind/observability';
import { type PartnerCatalog, PartnerKind } from '@tradewind/partner-catalog';
import {
  DocumentFormat,
  PurchasingDocumentType,
  readJsonPurchaseOrderAck,
  readX12FunctionalAcks,
  readX12PurchaseOrderAcks,
  readX12ShipNotices,
  type SupplierRead,
} from '@tradewind/partner-documents';
import type { DataSource } from 'typeorm';

import { PurchaseOrdersErrorCode, PurchaseOrdersException } from '../purchase-orders.exception';
import type { OdooPurchaseOrdersReader } from '../purchasing/odoo-purchase-orders.reader';
import type { OfferOutcome, PurchasingCore } from '../purchasing/purchasing.core';

const ODOO_DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export class PurchaseOrderIntake {
  private readonly log = createLogger(PurchaseOrderIntake.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly core: PurchasingCore,
    private readonly reader: OdooPurchaseOrdersReader,
    private readonly catalog: PartnerCatalog,
    private readonly poll: { readonly overlapMs: number; readonly batchSize: number },
  ) {}

  async handle(document: IngressDocument, correlationId: string | undefined): Promise<string> {
    switch (document.documentType as PurchasingDocumentType) {
      case PurchasingDocumentType.PurchaseOrderEvent:
        return this.webhook(document, correlationId);
      case PurchasingDocumentType.PoAcknowledgement: {
        const supplier = this.supplierOf(document);
        const acks = this.read(
          document,
          document.format === DocumentFormat.X12 ? readX12PurchaseOrderAcks : readJsonPurchaseOrderAck,
        );
        const outcomes: string[] = [];
        for (const ack of acks) {
          const outcome = await this.core.acknowledge(supplier, ack, document.documentId, correlationId);
          if (outcome === 'unknown-order') throw this.unknown(document, `purchase order ${ack.poNumber}`);
          outcomes.push(outcome);
        }
        return outcomes.join(',');
      }
      case PurchasingDocumentType.FunctionalAck: {
        const supplier = this.supplierOf(document);
        const outcomes: string[] = [];
        for (const ack of this.read(document, readX12FunctionalAcks)) {
          outcomes.push(await this.core.functionalAck(supplier, ack, document.documentId, correlationId));
        }
        return outcomes.join(',');
      }
      case PurchasingDocumentType.SupplierShipNotice: {
        const supplier = this.supplierOf(document);
        if (document.payload === null) throw this.unreadableMissing(document);
        const read = readX12ShipNotices(document.payload);
        if (!read.ok) throw this.unreadable(document, [...read.documentProblems, ...read.problems]);
        const outcomes: string[] = [];
        for (const notice of read.records) {
          for (const order of notice.orders) {
            const outcome = await this.core.shipped(
              supplier,
              order.poNumber,
              document.documentId,
              correlationId,
            );
            if (outcome === 'unknown-order') throw this.unknown(document, `purchase order ${order.poNumber}`);
            outcomes.push(outcome);
          }
        }
        return outcomes.join(',');
      }
      default:
        return 'skipped';
    }
  }

  /** Odoo's webhook names a purchase.order (`_model`, `_id` as base_automation sends them); Odoo says the rest. */
  private async webhook(
    document: IngressDocument,
    correlationId: string | undefined,
  ): Promise<OfferOutcome | 'skipped'> {
    const partner = this.catalog.partner(document.partnerId);
    if (partner?.kind !== PartnerKind.Internal) {
      throw new PurchaseOrdersException(
        PurchaseOrdersErrorCode.NotSystemOfRecord,
        `${document.partnerId} sent purchase-order-event ${document.documentId}; only Odoo (an internal partner) may`,
      );
    }
    const body = this.json(document) as { _model?: unknown; _id?: unknown; id?: unknown };
    const id = typeof body._id === 'number' ? body._id : body.id;
    if (body._model !== 'purchase.order' || typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
      throw new PurchaseOrdersException(
        PurchaseOrdersErrorCode.UnreadableDocument,
        `purchase-order-event ${document.documentId} names no purchase.order (_model, _id)`,
      );
    }
    const [order] = await this.reader.byIds([id]);
    if (order === undefined) return 'skipped';
    return this.core.offer(order, correlationId);
  }

  /**
   * One poll: every purchase order written at or after the mark minus the overlap, oldest first; the mark
   * moves to the newest write_date read. Orders read twice (the overlap, a webhook) are offered twice and
   * sent once. Returns how many were read.
   */
  async pollOnce(): Promise<number> {
    const [row] = await this.dataSource.query<{ mark: string }[]>(
      "SELECT mark FROM poll_marks WHERE source = 'odoo:purchase.order'",
    );
    const mark = row?.mark ?? '1970-01-01 00:00:00';
    const since = new Date(Date.parse(`${mark.replace(' ', 'T')}Z`) - this.poll.overlapMs)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ');
    const orders = await this.reader.changedSince(since, this.poll.batchSize);
    let newest = mark;
    for (const order of orders) {
      await this.core.offer(order);
      if (ODOO_DATETIME.test(order.writeDate) && order.writeDate > newest) newest = order.writeDate;
    }
    if (newest !== mark) {
      await this.dataSource.query(
        `INSERT INTO poll_marks (source, mark) VALUES ('odoo:purchase.order', $1)
         ON CONFLICT (source) DO UPDATE SET mark = GREATEST(poll_marks.mark, EXCLUDED.mark)`,
        [newest],
      );
    }
    if (orders.length > 0) this.log.debug({ read: orders.length, mark: newest }, 'polled purchase orders');
    return orders.length;
  }

  private supplierOf(document: IngressDocument): string {
    const partner = this.catalog.partner(document.partnerId);
    if (partner?.kind !== PartnerKind.Supplier) {
      throw new PurchaseOrdersException(
        PurchaseOrdersErrorCode.NotSystemOfRecord,
        `${document.partnerId} sent ${document.documentType} ${document.documentId} but is not a supplier`,
      );
    }
    return partner.id;
  }

  private read<T>(document: IngressDocument, reader: (bytes: Uint8Array) => SupplierRead<T>): readonly T[] {
    if (document.payload === null) throw this.unreadableMissing(document);
    const read = reader(document.payload);
    if (!read.ok) throw this.unreadable(document, read.problems);
    return read.documents;
  }

  private unreadableMissing(document: IngressDocument): PurchaseOrdersException {
    return new PurchaseOrdersException(
      PurchaseOrdersErrorCode.UnreadableDocument,
      `${document.documentType} ${document.documentId} has no inline payload`,
    );
  }

  private unreadable(
    document: IngressDocument,
    problems: readonly { message: string; location: string }[],
  ): PurchaseOrdersException {
    return new PurchaseOrdersException(
      PurchaseOrdersErrorCode.UnreadableDocument,
      `${document.documentType} ${document.documentId}: ${problems
        .slice(0, 5)
        .map((p) => `${p.message} (${p.location})`)
        .join('; ')}`,
    );
  }

  private json(document: IngressDocument): unknown {
    try {
      return JSON.parse(Buffer.from(document.payload ?? new Uint8Array()).toString('utf8'));
    } catch (error) {
      throw new PurchaseOrdersException(
        PurchaseOrdersErrorCode.UnreadableDocument,
        `${document.documentType} ${document.documentId} is not JSON: ${(error as Error).message}`,
      );
    }
  }

  private unknown(document: IngressDocument, what: string): PurchaseOrdersException {
    return new PurchaseOrdersException(
      PurchaseOrdersErrorCode.UnknownOrder,
      `${document.partnerId} answered ${what} (${document.documentType} ${document.documentId}), which we never sent it`,
    );
  }
}
