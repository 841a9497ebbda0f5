// The poll of Odoo's purchase orders and the SLA sweep, on the kit's housekeeping timer (one pass at a
// time, failures logged and retried next tick).
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Housekeeping } from '@tradewind/service-kit';

import type { PurchaseOrdersConfig } from '../purchase-orders.config';
import { PURCHASE_ORDERS_CONFIG } from '../purchase-orders.tokens';
import { PurchasingCore } from '../purchasing/purchasing.core';
import { PurchaseOrderIntake } from './purchase-order.intake';

@Injectable()
export class PurchasingSchedule implements OnModuleInit {
  constructor(
    @Inject(PURCHASE_ORDERS_CONFIG) private readonly config: PurchaseOrdersConfig,
    @Inject(PurchaseOrderIntake) private readonly intake: PurchaseOrderIntake,
    @Inject(PurchasingCore) private readonly core: PurchasingCore,
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
  ) {}

  onModuleInit(): void {
    this.housekeeping.schedule({
      name: 'purchase orders polled from Odoo',
      everyMs: this.config.poll.everyMs,
      logLevel: 'debug',
      atStart: true,
      purge: () => this.intake.pollOnce(),
    });
    this.housekeeping.schedule({
      name: 'purchase order SLA timers escalated',
      everyMs: this.config.sla.everyMs,
      logLevel: 'debug',
      purge: () => this.core.fireDueTimers(),
    });
  }
}
