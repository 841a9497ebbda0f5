import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import {
  configureLogging,
  configureMetrics,
  type LogLevel,
  type ReadinessCheck,
  rootLogger,
} from '@tradewind/observability';
import type { Logger } from 'pino';

import { CorrelationMiddleware } from './correlation/correlation.middleware';
import { HealthController } from './health/health.controller';
import { ReadinessService } from './health/readiness.service';
import { PinoLoggerService } from './logging/pino-logger.service';
import { MetricsController } from './metrics/metrics.controller';

export interface ObservabilityOptions {
  /** `service` field of every log line and `service` label of every metric. */
  serviceName: string;
  /** Checks known when the module is declared; other modules can add theirs via ReadinessService.register(). */
  readinessChecks?: readonly ReadinessCheck[];
  /** Timeout of a check that does not set its own. Default 2 s. */
  readinessTimeoutMs?: number;
  /** Level of the root logger (LOG_LEVEL). Default: leave as is (`info`). */
  logLevel?: LogLevel;
  /** The pino logger Nest's logs go to; rootLogger by default. */
  logger?: Logger;
}

/**
 * Logging, metrics and health for one service: `GET /metrics`, `GET /health/live`, `GET /health/ready`,
 * the correlation middleware on every route, and PinoLoggerService for `app.useLogger()`.
 * Global: ReadinessService and PinoLoggerService can be injected anywhere.
 */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [MetricsController, HealthController],
      providers: [
        {
          provide: PinoLoggerService,
          useFactory: () => {
            configureLogging({ level: options.logLevel, service: options.serviceName });
            configureMetrics({ service: options.serviceName });
            return new PinoLoggerService(options.logger ?? rootLogger);
          },
        },
        {
          provide: ReadinessService,
          useFactory: () => new ReadinessService(options.readinessChecks ?? [], options.readinessTimeoutMs),
        },
      ],
      exports: [PinoLoggerService, ReadinessService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware).forRoutes('{*path}');
  }
}
