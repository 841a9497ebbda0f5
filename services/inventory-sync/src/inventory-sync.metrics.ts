import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What inventory-sync counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class InventorySyncMetrics {
  readonly records: Counter<'topic' | 'outcome'> = counter({
    name: 'tradewind_inventory_sync_records_total',
    help: 'Records handled by topic and outcome: handled, redelivered (the inbox had it), or skipped (not a stock document).',
    labelNames: ['topic', 'outcome'],
  });
}
