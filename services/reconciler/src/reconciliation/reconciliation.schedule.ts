// Reconciles the previous and the current window every RECONCILER_EVERY, on the kit's housekeeping timer
// (one pass at a time, failures logged and retried next tick), so the metrics and the alert stay current;
// and purges stored runs and re-drives past RECONCILER_RUN_RETENTION on the same kit.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Housekeeping } from '@tradewind/service-kit';

import type { ReconcilerConfig } from '../reconciler.config';
import { GATEWAY_LEG, RECONCILER_CONFIG, RECONCILIATION_RUNS, REDRIVE_STORE } from '../reconciler.tokens';
import type { RedriveStore } from '../redrive/redrive.store';
import type { GatewayLeg } from '../views/gateway-leg.repository';
import { ReconciliationService } from './reconciliation.service';
import type { ReconciliationRuns } from './reconciliation-runs.repository';

@Injectable()
export class ReconciliationSchedule implements OnModuleInit {
  constructor(
    @Inject(RECONCILER_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(ReconciliationService) private readonly reconciliation: ReconciliationService,
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
    @Inject(RECONCILIATION_RUNS) private readonly runs: ReconciliationRuns,
    @Inject(REDRIVE_STORE) private readonly redrives: RedriveStore,
    @Inject(GATEWAY_LEG) private readonly leg: GatewayLeg,
  ) {}

  onModuleInit(): void {
    this.housekeeping.schedule({
      name: 'reconciled windows',
      everyMs: this.config.reconciliation.everyMs,
      logLevel: 'debug',
      purge: () => this.pass(),
    });
    this.housekeeping.schedule({
      name: 'reconciliation runs, re-drives and gateway documents past RECONCILER_RUN_RETENTION',
      everyMs: Math.min(this.config.reconciliation.everyMs * 12, 3_600_000),
      atStart: true,
      purge: async () =>
        (await this.runs.purgeOlderThan(this.config.reconciliation.retentionMs)) +
        (await this.redrives.purgeOlderThan(this.config.reconciliation.retentionMs)) +
        (await this.leg.purgeOlderThan(this.config.reconciliation.retentionMs)),
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
