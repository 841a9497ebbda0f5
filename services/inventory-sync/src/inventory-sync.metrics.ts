import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What inventory-sync counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class InventorySyncMetrics {
  readonly records: Counter<'topic' | 'outcome'> = counter({
    name: 'tradewind_inventory_sync_records_total',
    help: 'Records handled by topic and outcome: handled, redelivered (the inbox had it), or skipped (not a stock document).',
    labelNames: ['topic', 'outcome'],
  });

  readonly drifts: Counter<'cause' | 'corrected'> = counter({
    name: 'tradewind_inventory_stock_drifts_total',
    help: "Drifts between the ledger and Odoo's stock raised on ops.exceptions, by likely cause and whether Odoo was corrected.",
    labelNames: ['cause', 'corrected'],
  });

  readonly feedDocuments: Counter<'channel' | 'format'> = counter({
    name: 'tradewind_inventory_feed_documents_total',
    help: 'Channel stock-feed documents published on partners.outbound, by channel and format.',
    labelNames: ['channel', 'format'],
  });

  readonly cancellations: Counter = counter({
    name: 'tradewind_inventory_cancellation_releases_total',
    help: 'Orders whose reservations were released because their sale order was cancelled in Odoo.',
  });
}
