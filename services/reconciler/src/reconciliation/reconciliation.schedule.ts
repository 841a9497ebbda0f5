// Reconciles the previous and the current window every RECONCILER_EVERY, on the kit's housekeeping timer
// (one pass at a time, failures logged and retried next tick), so the metrics and the alert stay current.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Housekeeping } from '@tradewind/service-kit';

import type { ReconcilerConfig } from '../reconciler.config';
import { RECONCILER_CONFIG } from '../reconciler.tokens';
import { ReconciliationService } from './reconciliation.service';

@Injectable()
export class ReconciliationSchedule implements OnModuleInit {
  constructor(
    @Inject(RECONCILER_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(ReconciliationService) private readonly reconciliation: ReconciliationService,
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
  ) {}

  onModuleInit(): void {
    this.housekeeping.schedule({
      name: 'reconciled windows',
      everyMs: this.config.reconciliation.everyMs,
      logLevel: 'debug',
      purge: () => this.pass(),
    });
  }

  /** One pass: the windows reconciled. */
  async pass(now = Date.now()): Promise<number> {
    const current = this.reconciliation.windowOf(now);
    const previous = this.reconciliation.windowOf(current.start - 1);
    await this.reconciliation.run(previous);
    await this.reconciliation.run(current);
    return 2;
  }
}
