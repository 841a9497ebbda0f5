import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import { Housekeeping } from '@tradewind/service-kit';

import type { NonceStore } from './auth/nonce.store';
import { InterchangeRegister } from './documents/interchange-register.repository';
import type { GatewayConfig } from './gateway.config';
import { GATEWAY_CONFIG, NONCE_STORE, PARTNER_CATALOG, RATE_LIMITER } from './gateway.tokens';
import { IdempotencyStore } from './idempotency/idempotency.store';
import type { RateLimiter } from './limits/rate-limiter';

const PURGE_INTERVAL_MS = 60_000;

/**
 * Forgets expired nonces, idempotency keys and X12 control numbers once a minute (jobs on the kit's
 * Housekeeping); closes the rate limit store on shutdown.
 */
@Injectable()
export class GatewayHousekeeping implements OnModuleInit, OnApplicationShutdown {
  /** Never shorter than a partner's duplicate window: a purged ISA13 could be processed twice. */
  private readonly interchangeRetentionMs: number;

  constructor(
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
    @Inject(NONCE_STORE) private readonly nonces: NonceStore,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    @Inject(InterchangeRegister) private readonly interchanges: InterchangeRegister,
    @Inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(PARTNER_CATALOG) catalog: PartnerCatalog,
  ) {
    this.interchangeRetentionMs = Math.max(
      config.gateway.x12InterchangeRetentionMs,
      ...catalog
        .partners()
        .filter((p) => p.x12 !== undefined)
        .map((p) => catalog.duplicateInterchangeRule(p).windowMs),
    );
  }

  onModuleInit(): void {
    this.housekeeping.schedule({
      name: 'expired nonces',
      everyMs: PURGE_INTERVAL_MS,
      logLevel: 'debug',
      purge: () => this.nonces.purgeExpired(),
    });
    this.housekeeping.schedule({
      name: 'expired idempotency keys',
      everyMs: PURGE_INTERVAL_MS,
      logLevel: 'debug',
      purge: () => this.idempotency.purgeExpired(),
    });
    this.housekeeping.schedule({
      name: 'old X12 control numbers',
      everyMs: PURGE_INTERVAL_MS,
      logLevel: 'debug',
      purge: () => this.purgeInterchanges(),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rateLimiter.close();
  }

  /** Forgets X12 control numbers received before the retention; resolves with how many. */
  purgeInterchanges(): Promise<number> {
    return this.interchanges.purgeOlderThan(this.interchangeRetentionMs);
  }
}
