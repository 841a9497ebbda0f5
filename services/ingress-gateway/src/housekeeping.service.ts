import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Housekeeping } from '@tradewind/service-kit';

import type { NonceStore } from './auth/nonce.store';
import { NONCE_STORE, RATE_LIMITER } from './gateway.tokens';
import { IdempotencyStore } from './idempotency/idempotency.store';
import type { RateLimiter } from './limits/rate-limiter';

const PURGE_INTERVAL_MS = 60_000;

/** Forgets expired nonces and idempotency keys once a minute (the kit's Housekeeping); closes the rate limit store on shutdown. */
@Injectable()
export class GatewayHousekeeping implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
    @Inject(NONCE_STORE) private readonly nonces: NonceStore,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    @Inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
  ) {}

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
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rateLimiter.close();
  }
}
