import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import type { Environment } from '@tradewind/config';
import { createLogger } from '@tradewind/observability';
import { loadPartnerCatalog, type PartnerCatalog } from '@tradewind/partner-catalog';
import { ServiceKitModule } from '@tradewind/service-kit';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';

import { CredentialStore } from './auth/credential.store';
import { type NonceStore, PostgresNonceStore } from './auth/nonce.store';
import { PartnerAuthService } from './auth/partner-auth.service';
import { RequestAuthenticator } from './auth/request-authenticator';
import { CreateGatewayTables1767400000000 } from './database/gateway.migration';
import { DocumentIntakeService } from './documents/document-intake.service';
import { DocumentPublication } from './documents/document-publication';
import { DocumentsController } from './documents/documents.controller';
import { ExchangeMiddleware } from './exchange/exchange.middleware';
import { ExchangeRecorder } from './exchange/exchange-recorder.service';
import type { GatewayConfig } from './gateway.config';
import {
  GATEWAY_CONFIG,
  GATEWAY_METRICS,
  NONCE_STORE,
  PARTNER_CATALOG,
  RATE_LIMITER,
} from './gateway.tokens';
import { HousekeepingService } from './housekeeping.service';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { InMemoryRateLimiter, type RateLimiter, RedisRateLimiter } from './limits/rate-limiter';
import { gatewayMetrics } from './metrics/gateway.metrics';
import { ProblemFilter } from './problem/problem.filter';
import { transactionIndexConsumer } from './transactions/transaction-index.consumer';
import { TransactionIndex } from './transactions/transaction-index.repository';
import { TransactionQueryService } from './transactions/transaction-query.service';
import { TransactionsController } from './transactions/transactions.controller';
import { DeprecationInterceptor } from './versioning/deprecation';

export interface GatewayModuleOptions {
  /** Where `env:` credential references are read; the process environment when omitted. */
  readonly credentialEnv?: Environment;
  /** Start the orders.state / partners.outbound consumers (default true). */
  readonly consume?: boolean;
}

/** Loads the catalog and resolves its credentials, failing start-up on an invalid catalog. */
function credentialStore(
  config: GatewayConfig,
  catalog: PartnerCatalog,
  env: Environment | undefined,
): CredentialStore {
  const log = createLogger('CredentialStore');
  const store = CredentialStore.fromCatalog(catalog, { env, secretsRoot: config.gateway.secretsRoot });
  const missing = store.missingUsable(new Date());
  for (const m of missing) {
    log.warn(
      { partnerId: m.partnerId, keyId: m.keyId, secretRef: m.secretRef, reason: m.reason },
      'API key unusable',
    );
  }
  if (missing.length > 0 && config.gateway.requireAllCredentials) {
    throw new Error(
      `GATEWAY_REQUIRE_ALL_CREDENTIALS: ${missing.length} active key(s) cannot be resolved: ${missing
        .map((m) => `${m.keyId} (${m.reason})`)
        .join('; ')}`,
    );
  }
  return store;
}

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: GatewayConfig, options: GatewayModuleOptions = {}): DynamicModule {
    const schema = config.database.schema;
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          migrations: [CreateGatewayTables1767400000000],
          consume: options.consume,
        }),
      ],
      controllers: [DocumentsController, TransactionsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_METRICS, useFactory: gatewayMetrics },
        {
          provide: PARTNER_CATALOG,
          // No `now`: an expired key is refused per request (401), not a reason to refuse to start.
          useFactory: () => loadPartnerCatalog(config.gateway.catalogDir),
        },
        {
          provide: CredentialStore,
          inject: [PARTNER_CATALOG],
          useFactory: (catalog: PartnerCatalog) => credentialStore(config, catalog, options.credentialEnv),
        },
        {
          provide: NONCE_STORE,
          inject: [DataSource],
          useFactory: (dataSource: DataSource): NonceStore => new PostgresNonceStore(dataSource, schema),
        },
        {
          provide: RATE_LIMITER,
          useFactory: (): RateLimiter =>
            config.gateway.redisUrl === undefined
              ? new InMemoryRateLimiter()
              : new RedisRateLimiter(
                  new Redis(config.gateway.redisUrl, {
                    maxRetriesPerRequest: 1,
                    enableOfflineQueue: false,
                    connectTimeout: 2_000,
                  }),
                  createLogger('RateLimiter'),
                ),
        },
        {
          provide: RequestAuthenticator,
          inject: [CredentialStore, NONCE_STORE, RATE_LIMITER],
          useFactory: (credentials: CredentialStore, nonces: NonceStore, rateLimiter: RateLimiter) =>
            new RequestAuthenticator({
              credentials,
              nonces,
              rateLimiter,
              clockSkewMs: config.gateway.clockSkewMs,
              nonceTtlMs: config.gateway.nonceTtlMs,
              maxBodyBytes: config.gateway.maxBodyBytes,
            }),
        },
        {
          provide: IdempotencyStore,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new IdempotencyStore(dataSource, schema),
        },
        {
          provide: TransactionIndex,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new TransactionIndex(dataSource, schema),
        },
        PartnerAuthService,
        DocumentPublication,
        DocumentIntakeService,
        TransactionQueryService,
        transactionIndexConsumer(config.service.name),
        ExchangeRecorder,
        HousekeepingService,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: DeprecationInterceptor },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ExchangeMiddleware).forRoutes('{*path}');
  }
}
