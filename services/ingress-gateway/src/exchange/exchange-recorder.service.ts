import { randomUUID } from 'node:crypto';

import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type AuditEvent, type AuditOutcome, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { TypedProducer } from '@tradewind/messaging';
import { createLogger, FailureCategory, runWithCorrelation } from '@tradewind/observability';

import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG, GATEWAY_METRICS } from '../gateway.tokens';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import { AnonymousRefusals } from './anonymous-refusals';
import type { Exchange } from './exchange';

/** Distinct (kind, address) pairs of anonymous refusals kept per window. */
const ANONYMOUS_REFUSAL_KEYS = 1_000;

export interface FinishedExchange {
  readonly exchange: Exchange;
  readonly status: number;
  readonly durationSeconds: number;
  readonly remoteAddress: string | undefined;
  /** The HTTP request's correlation id. */
  readonly requestId: string | undefined;
}

/** Outcome when the code that decided did not say: by status class. */
export function outcomeOf(status: number): AuditOutcome {
  if (status >= 500) return 'error';
  if (status === 401 || status === 403 || status === 429) return 'denied';
  if (status >= 400) return 'rejected';
  return 'accepted';
}

/**
 * Every partner API exchange, accepted or refused, to ops.audit and the metrics. Refusals of callers that
 * were never authenticated are aggregated per window (AnonymousRefusals), not recorded one by one.
 */
@Injectable()
export class ExchangeRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger(ExchangeRecorder.name);
  private readonly anonymous: AnonymousRefusals;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(TypedProducer) private readonly producer: TypedProducer<TopicValueMap>,
    @Inject(GATEWAY_METRICS) private readonly metrics: GatewayMetrics,
  ) {
    this.anonymous = new AnonymousRefusals({
      windowMs: config.gateway.anonymousAuditWindowMs,
      maxKeys: ANONYMOUS_REFUSAL_KEYS,
      publish: (events) => this.publishAnonymous(events),
    });
  }

  onApplicationBootstrap(): void {
    this.anonymous.start();
  }

  /** Before the producer closes: what the last window counted is recorded too. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.anonymous.stop();
  }

  /** Resolves when the audit event is acknowledged (or its failure logged); never rejects. */
  async record(finished: FinishedExchange): Promise<void> {
    const { exchange, status } = finished;
    const outcome = exchange.outcome ?? outcomeOf(status);
    const partner = exchange.partnerId ?? 'unknown';
    this.metrics.requests.inc({ route: exchange.route, partner, status: String(status) });
    this.metrics.latency.observe({ route: exchange.route, status: String(status) }, finished.durationSeconds);
    if (status >= 400) {
      this.metrics.rejections.inc({
        partner,
        reason: exchange.reasonCode ?? String(status),
        category: status >= 500 ? FailureCategory.Technical : FailureCategory.Business,
      });
    }
    if (exchange.partnerId === undefined && status >= 400 && status < 500) {
      this.anonymous.add({
        action: exchange.action,
        outcome,
        httpStatus: status,
        policy: exchange.policy ?? null,
        reason: exchange.reason ?? null,
        reasonCode: exchange.reasonCode ?? null,
        remoteAddress: finished.remoteAddress ?? null,
      });
      return;
    }

    const event: AuditEvent = {
      auditId: randomUUID(),
      occurredAt: Date.now(),
      partnerId: exchange.partnerId ?? null,
      principal: exchange.principal ?? null,
      action: exchange.action,
      documentType: exchange.documentType ?? null,
      trackingId: exchange.trackingId ?? null,
      sizeBytes: exchange.sizeBytes,
      sha256: exchange.sha256 ?? null,
      outcome,
      httpStatus: status,
      policy: exchange.policy ?? null,
      reason: exchange.reason ?? null,
      remoteAddress: finished.remoteAddress ?? null,
      count: 1,
    };
    const correlationId = exchange.trackingId ?? finished.requestId ?? event.auditId;
    try {
      await runWithCorrelation(
        {
          correlationId,
          ...(finished.requestId === undefined ? {} : { causationId: finished.requestId }),
          ...(exchange.partnerId === undefined ? {} : { partnerId: exchange.partnerId }),
          sourceSystem: this.config.service.sourceSystem,
        },
        () => this.producer.send(TOPICS.opsAudit, [{ key: exchange.partnerId ?? 'anonymous', value: event }]),
      );
    } catch (error) {
      this.metrics.auditFailures.inc();
      this.log.error({ err: error, audit: event }, 'audit event not published');
    }
  }

  private async publishAnonymous(events: readonly AuditEvent[]): Promise<void> {
    try {
      await runWithCorrelation(
        { correlationId: randomUUID(), sourceSystem: this.config.service.sourceSystem },
        () =>
          this.producer.send(
            TOPICS.opsAudit,
            events.map((value) => ({ key: 'anonymous', value })),
          ),
      );
    } catch (error) {
      this.metrics.auditFailures.inc(events.length);
      this.log.error({ err: error, audits: events }, 'aggregated audit events not published');
    }
  }
}
