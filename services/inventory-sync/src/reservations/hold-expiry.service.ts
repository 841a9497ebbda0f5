import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InventorySyncCore } from '@tradewind/inventory-store';
import { Housekeeping } from '@tradewind/service-kit';

import type { InventorySyncConfig } from '../inventory-sync.config';
import { INVENTORY_SYNC_CONFIG } from '../inventory-sync.tokens';

/**
 * Ends channel holds past their TTL on the kit's Housekeeping: every replica sweeps, and the order row
 * lock makes two sweeps of one order harmless (the second finds nothing held).
 */
@Injectable()
export class HoldExpiry implements OnModuleInit {
  constructor(
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
    @Inject(InventorySyncCore) private readonly core: InventorySyncCore,
    @Inject(INVENTORY_SYNC_CONFIG) private readonly config: InventorySyncConfig,
  ) {}

  onModuleInit(): void {
    this.housekeeping.schedule({
      name: 'expired channel holds',
      everyMs: this.config.reservations.expiryIntervalMs,
      logLevel: 'debug',
      purge: () => this.expireAll(),
    });
  }

  private async expireAll(): Promise<number> {
    let expired = 0;
    for (let page = await this.core.expireDue(); page > 0; page = await this.core.expireDue())
      expired += page;
    return expired;
  }
}
