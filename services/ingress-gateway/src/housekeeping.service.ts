import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createLogger } from '@tradewind/observability';
import type { PartnerCatalog } from '@tradewind/partner-catalog';

import type { NonceStore } from './auth/nonce.store';
import { InterchangeRegister } from './documents/interchange-register.repository';
import type { GatewayConfig } from './gateway.config';
import { GATEWAY_CONFIG, NONCE_STORE, PARTNER_CATALOG, RATE_LIMITER } from './gateway.tokens';
import { IdempotencyStore } from './idempotency/idempotency.store';
import type { RateLimiter } from './limits/rate-limiter';

const PURGE_INTERVAL_MS = 60_000;

export interface PurgeCounts {
  readonly nonces: number;
  readonly keys: number;
  readonly interchanges: number;
}

/**
 * Forgets expired nonces, idempotency keys and X12 control numbers once a minute; closes the rate limit
 * store on shutdown.
 */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger(HousekeepingService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /** Never shorter than a partner's duplicate window: a purged ISA13 could be processed twice. */
  private readonly interchangeRetentionMs: number;

  constructor(
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

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.rateLimiter.close();
  }

  /** One purge (the one running, if any); failures are logged and retried at the next interval. */
  purge(): Promise<PurgeCounts | undefined> {
    const run = (this.running ??= this.purgeAll().finally(() => (this.running = undefined)));
    return run as Promise<PurgeCounts | undefined>;
  }

  private async purgeAll(): Promise<PurgeCounts | undefined> {
    try {
      const [nonces, keys, interchanges] = await Promise.all([
        this.nonces.purgeExpired(),
        this.idempotency.purgeExpired(),
        this.interchanges.purgeOlderThan(this.interchangeRetentionMs),
      ]);
      if (nonces + keys + interchanges > 0) {
        this.log.debug({ nonces, keys, interchanges }, 'purged expired gateway records');
      }
      return { nonces, keys, interchanges };
    } catch (error) {
      this.log.warn({ err: error }, 'purging expired gateway records failed');
      return undefined;
    }
  }
}
