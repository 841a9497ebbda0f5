import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Housekeeping } from '@tradewind/service-kit';

import type { InventorySyncConfig } from '../inventory-sync.config';
import { InventorySyncMetrics } from '../inventory-sync.metrics';
import { INVENTORY_SYNC_CONFIG } from '../inventory-sync.tokens';
import { OdooStockReconciliation, type ReconciliationRun } from './odoo-stock.reconciliation';

/**
 * Runs the reconciliation with Odoo on the kit's Housekeeping every INVENTORY_RECONCILE_EVERY. Two replicas
 * running it at once report a drift once: the drift table's upsert decides under its row lock.
 */
@Injectable()
export class StockReconciliationService implements OnModuleInit {
  constructor(
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
    @Inject(OdooStockReconciliation) private readonly reconciliation: OdooStockReconciliation,
    @Inject(InventorySyncMetrics) private readonly metrics: InventorySyncMetrics,
    @Inject(INVENTORY_SYNC_CONFIG) private readonly config: InventorySyncConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.reconciliation.everyMs === 0) return;
    this.housekeeping.schedule({
      name: 'stock reconciliation with Odoo',
      everyMs: this.config.reconciliation.everyMs,
      purge: async () => (await this.runOnce()).reported.length,
    });
  }

  /** One pass now (the schedule's, and tests'). */
  async runOnce(now = new Date()): Promise<ReconciliationRun> {
    return this.counted(await this.reconciliation.run(now));
  }

  /** The same comparison for the SKUs an Odoo webhook named (stock-quant-event), at once. */
  async reconcile(skus: readonly string[], now = new Date()): Promise<ReconciliationRun> {
    return this.counted(await this.reconciliation.reconcile(skus, now));
  }

  private counted(run: ReconciliationRun): ReconciliationRun {
    for (const drift of run.reported)
      this.metrics.drifts.inc({ cause: drift.cause, corrected: String(drift.correct) });
    return run;
  }
}
