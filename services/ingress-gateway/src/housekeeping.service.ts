import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createLogger } from '@tradewind/observability';

import type { NonceStore } from './auth/nonce.store';
import { NONCE_STORE, RATE_LIMITER } from './gateway.tokens';
import { IdempotencyStore } from './idempotency/idempotency.store';
import type { RateLimiter } from './limits/rate-limiter';

const PURGE_INTERVAL_MS = 60_000;

/** Forgets expired nonces and idempotency keys once a minute; closes the rate limit store on shutdown. */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger(HousekeepingService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(NONCE_STORE) private readonly nonces: NonceStore,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    @Inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.purge().finally(() => (this.running = undefined));
    }, PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.rateLimiter.close();
  }

  private async purge(): Promise<void> {
    try {
      const [nonces, keys] = await Promise.all([this.nonces.purgeExpired(), this.idempotency.purgeExpired()]);
      if (nonces + keys > 0) this.log.debug({ nonces, keys }, 'purged expired nonces and idempotency keys');
    } catch (error) {
      this.log.warn({ err: error }, 'purging expired nonces and idempotency keys failed');
    }
  }
}
