// ingress.documents → inventory.stock-events: the WMS's stock events (JSON) and snapshots (CSV), read by
// partner-documents, checked against the catalog's system of record for stock on hand, and published as
// canonical records keyed by SKU (through the outbox, with the inbox mark in the same transaction).
import { HEADER, type IngressDocument, type StockEvent, TOPICS } from '@tradewind/contracts';
import { stockEventsFromWmsEvents, stockEventsFromWmsSnapshot } from '@tradewind/inventory-domain';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import {
  isStockDocumentType,
  parseCsvStockSnapshot,
  parseJsonStockEvents,
  StockDocumentType,
} from '@tradewind/partner-documents';
import { type Inbox, type OutboxWriter, withTransaction } from '@tradewind/persistence';
import type { DataSource } from 'typeorm';

import { InventorySyncErrorCode, InventorySyncException } from '../inventory-sync.exception';

/** skipped: not a stock document (orders are order-intake's); redelivered: the inbox had it. */
export type WmsDocumentOutcome = 'published' | 'skipped' | 'redelivered';

export class WmsDocumentIntake {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly outbox: OutboxWriter,
    private readonly catalog: PartnerCatalog,
    private readonly consumerGroup: string,
  ) {}

  async handle(document: IngressDocument, headers: Record<string, string>): Promise<WmsDocumentOutcome> {
    // Odoo's stock-quant-event is a hint for the comparison with Odoo (odoo-stock-events.intake.ts).
    if (
      !isStockDocumentType(document.documentType) ||
      document.documentType === StockDocumentType.StockQuantEvent
    )
      return 'skipped';
    // The gateway refuses non-owners already; the platform enforces it again where stock is written.
    const violation = this.catalog.ownershipViolation(document.partnerId, document.documentType);
    if (violation !== undefined) {
      throw new InventorySyncException(
        InventorySyncErrorCode.NotSystemOfRecord,
        `${document.partnerId} sent ${document.documentType} ${document.documentId}, but ${violation.owner} owns ${violation.domain}`,
      );
    }
    const events = this.read(document);
    const messageId = headers[HEADER.messageId] ?? `document:${document.documentId}`;
    const ran = await withTransaction(
      this.dataSource,
      (manager) =>
        this.inbox.runOnce(manager, { consumerGroup: this.consumerGroup, messageId }, async () => {
          const relayed: Record<string, string> = { [HEADER.partnerId]: document.partnerId };
          const correlationId = headers[HEADER.correlationId];
          if (correlationId !== undefined) relayed[HEADER.correlationId] = correlationId;
          relayed[HEADER.causationId] = messageId;
          await this.outbox.enqueueAll(
            manager,
            events.map((event) => ({
              topic: TOPICS.inventoryStockEvents,
              key: event.sku,
              value: event,
              headers: relayed,
            })),
          );
        }),
      { maxAttempts: 5 },
    );
    return ran ? 'published' : 'redelivered';
  }

  private read(document: IngressDocument): StockEvent[] {
    if (document.payload === null) {
      throw new InventorySyncException(
        InventorySyncErrorCode.PayloadMissing,
        `stock document ${document.documentId} has no inline payload`,
      );
    }
    const origin = {
      documentId: document.documentId,
      partnerId: document.partnerId,
      receivedAt: document.receivedAt,
    };
    const type = document.documentType as StockDocumentType;
    switch (type) {
      case StockDocumentType.StockEvent: {
        const parsed = parseJsonStockEvents(document.payload);
        if (!parsed.ok)
          throw this.unreadable(
            document,
            parsed.problems.map((p) => p.message),
          );
        return stockEventsFromWmsEvents(origin, parsed.records);
      }
      case StockDocumentType.StockSnapshot: {
        const parsed = parseCsvStockSnapshot(document.payload);
        if (!parsed.ok)
          throw this.unreadable(
            document,
            parsed.problems.map((p) => p.message),
          );
        return parsed.records.flatMap((snapshot) => stockEventsFromWmsSnapshot(origin, snapshot));
      }
      case StockDocumentType.StockQuantEvent:
      default:
        throw this.unreadable(document, [`not a WMS stock document type: ${String(type)}`]);
    }
  }

  private unreadable(document: IngressDocument, problems: string[]): InventorySyncException {
    return new InventorySyncException(
      InventorySyncErrorCode.UnreadableDocument,
      `stock document ${document.documentId}: ${problems.slice(0, 5).join('; ')}`,
    );
  }
}
