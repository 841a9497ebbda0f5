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
import { ProofDocuments1767600000000 } from './database/proof-documents.migration';
import { PurchaseOrderStates1767600000000 } from './database/purchase-order-states.migration';
import { PerOrderAcceptanceAndX12Interchanges1767500000000 } from './database/x12-interchange.migration';
import { DocumentIntakeService } from './documents/document-intake.service';
import { DocumentPublication } from './documents/document-publication';
import { DocumentsController } from './documents/documents.controller';
import { InterchangeRegister } from './documents/interchange-register.repository';
import { ProofDocuments } from './documents/proof-documents.repository';
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
import { GatewayHousekeeping } from './housekeeping.service';
import { type IdempotencyDurations, IdempotencyStore } from './idempotency/idempotency.store';
import { InMemoryRateLimiter, type RateLimiter, RedisRateLimiter } from './limits/rate-limiter';
import { gatewayMetrics } from './metrics/gateway.metrics';
import { ProblemFilter } from './problem/problem.filter';
import { ProofsController } from './proofs/proofs.controller';
import { ShipmentProofsConsumer } from './proofs/shipment-proofs.consumer';
import { CreatePartnerDeliveryStatus1796140000000 } from './transactions/delivery-status.migration';
import { PurchaseOrdersController, PurchaseOrderStates } from './transactions/purchase-order-states';
import { TransactionIndexConsumer } from './transactions/transaction-index.consumer';
import { TransactionIndex } from './transactions/transaction-index.repository';
import { TransactionQueryService } from './transactions/transaction-query.service';
import { TransactionsController } from './transactions/transactions.controller';
import { DeprecationInterceptor } from './versioning/deprecation';

export interface GatewayModuleOptions {
  /** Where `env:` credential references are read; the process environment when omitted. */
  readonly credentialEnv?: Environment;
  /** Start the orders.state / partners.outbound consumers (default true). */
  readonly consume?: boolean;
  /** The clock that decides timestamps' freshness and which keys are valid (tests pin it to a day). */
  readonly now?: () => number;
}

/** Loads the catalog and resolves its credentials, failing start-up on an invalid catalog. */
function credentialStore(
  config: GatewayConfig,
  catalog: PartnerCatalog,
  env: Environment | undefined,
  now: () => number,
): CredentialStore {
  const log = createLogger('CredentialStore');
  const store = CredentialStore.fromCatalog(catalog, { env, secretsRoot: config.gateway.secretsRoot });
  const missing = store.missingUsable(new Date(now()));
  for (const m of missing) {
    log.warn(
      { partnerId: m.partnerId, keyId: m.keyId, field: m.field, secretRef: m.secretRef, reason: m.reason },
      'partner key unusable',
    );
  }
  if (missing.length > 0 && config.gateway.requireAllCredentials) {
    throw new Error(
      `GATEWAY_REQUIRE_ALL_CREDENTIALS: ${missing.length} active key(s) cannot be resolved: ${missing
        .map((m) => `${m.keyId} ${m.field} (${m.reason})`)
        .join('; ')}`,
    );
  }
  return store;
}

/** The Idempotency-Key lease must outlast any live request, or a slow one could be processed twice. */
function idempotencyDurations(config: GatewayConfig): IdempotencyDurations {
  const { idempotencyLeaseMs, idempotencyTtlMs, publishTimeoutMs } = config.gateway;
  if (idempotencyLeaseMs < 2 * publishTimeoutMs || idempotencyLeaseMs > idempotencyTtlMs) {
    throw new RangeError(
      `GATEWAY_IDEMPOTENCY_LEASE (${idempotencyLeaseMs} ms) must be at least twice GATEWAY_PUBLISH_TIMEOUT (${publishTimeoutMs} ms) and at most GATEWAY_IDEMPOTENCY_TTL (${idempotencyTtlMs} ms)`,
    );
  }
  return { leaseMs: idempotencyLeaseMs, retentionMs: idempotencyTtlMs };
}

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: GatewayConfig, options: GatewayModuleOptions = {}): DynamicModule {
    const schema = config.database.schema;
    const now = options.now ?? Date.now;
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          migrations: [
            CreateGatewayTables1767400000000,
            PerOrderAcceptanceAndX12Interchanges1767500000000,
            CreatePartnerDeliveryStatus1796140000000,
            ProofDocuments1767600000000,
            PurchaseOrderStates1767600000000,
          ],
          consume: options.consume,
        }),
      ],
      controllers: [DocumentsController, TransactionsController, ProofsController, PurchaseOrdersController],
      providers: [
        PurchaseOrderStates,
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
          useFactory: (catalog: PartnerCatalog) =>
            credentialStore(config, catalog, options.credentialEnv, now),
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
                    // The buckets of concurrent requests leave in one write and come back in one read.
                    enableAutoPipelining: true,
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
              now,
            }),
        },
        {
          provide: IdempotencyStore,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new IdempotencyStore(dataSource, schema, idempotencyDurations(config)),
        },
        {
          provide: TransactionIndex,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new TransactionIndex(dataSource, schema),
        },
        {
          provide: InterchangeRegister,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new InterchangeRegister(dataSource, schema),
        },
        {
          provide: ProofDocuments,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new ProofDocuments(dataSource, schema),
        },
        PartnerAuthService,
        DocumentPublication,
        DocumentIntakeService,
        TransactionQueryService,
        TransactionIndexConsumer,
        ShipmentProofsConsumer,
        ExchangeRecorder,
        GatewayHousekeeping,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: DeprecationInterceptor },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ExchangeMiddleware).forRoutes('{*path}');
  }
}
