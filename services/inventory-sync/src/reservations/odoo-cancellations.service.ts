import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Housekeeping } from '@tradewind/service-kit';

import type { InventorySyncConfig } from '../inventory-sync.config';
import { InventorySyncMetrics } from '../inventory-sync.metrics';
import { INVENTORY_SYNC_CONFIG } from '../inventory-sync.tokens';
import { type CancellationRun, OdooCancellations } from './odoo-cancellations';

/**
 * Reads Odoo's cancelled sale orders on the kit's Housekeeping every INVENTORY_CANCELLATIONS_EVERY. Two
 * replicas polling at once release an order once: the order's row lock and the inbox decide.
 */
@Injectable()
export class OdooCancellationsService implements OnModuleInit {
  constructor(
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
    @Inject(OdooCancellations) private readonly cancellations: OdooCancellations,
    @Inject(InventorySyncMetrics) private readonly metrics: InventorySyncMetrics,
    @Inject(INVENTORY_SYNC_CONFIG) private readonly config: InventorySyncConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.reservations.cancellationsEveryMs === 0) return;
    this.housekeeping.schedule({
      name: 'sale orders cancelled in Odoo',
      everyMs: this.config.reservations.cancellationsEveryMs,
      logLevel: 'debug',
      purge: async () => (await this.runOnce()).released.length,
    });
  }

  /** One pass now (the schedule's, and tests'). */
  async runOnce(now = new Date()): Promise<CancellationRun> {
    const run = await this.cancellations.run(now);
    this.metrics.cancellations.inc(run.released.length);
    return run;
  }
}
