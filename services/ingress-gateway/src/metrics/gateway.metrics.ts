import { counter, histogram, type TransactionMetrics, transactionMetrics } from '@tradewind/observability';
import type { Counter, Histogram } from 'prom-client';

export interface GatewayMetrics {
  readonly requests: Counter<'route' | 'partner' | 'status'>;
  readonly latency: Histogram<'route' | 'status'>;
  /** `received` transactions: one per order of an accepted upload. */
  readonly transactions: TransactionMetrics['transactions'];
  /** Reasons of orders refused inside an accepted upload (stage `received`). */
  readonly transactionRejections: TransactionMetrics['rejections'];
  readonly rejections: Counter<'partner' | 'reason' | 'category'>;
  readonly deliveries: Counter<'partner' | 'document_type' | 'outcome'>;
  readonly auditFailures: Counter;
}

/** The gateway's series on the service registry (served at /metrics). `partner` is `unknown` before authentication. */
export function gatewayMetrics(): GatewayMetrics {
  const transaction = transactionMetrics();
  return {
    requests: counter({
      name: 'tradewind_gateway_requests_total',
      help: 'Partner API requests by route pattern, partner and HTTP status.',
      labelNames: ['route', 'partner', 'status'],
    }),
    latency: histogram({
      name: 'tradewind_gateway_request_duration_seconds',
      help: 'Partner API request latency, from the first byte read to the response sent.',
      labelNames: ['route', 'status'],
      buckets: [0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.5, 5, 10],
    }),
    transactions: transaction.transactions,
    transactionRejections: transaction.rejections,
    rejections: counter({
      name: 'tradewind_gateway_rejections_total',
      help: 'Refused requests by partner (unknown before authentication), reason (the problem code) and category (4xx business, 5xx technical).',
      labelNames: ['partner', 'reason', 'category'],
    }),
    deliveries: counter({
      name: 'tradewind_partner_deliveries_total',
      help: 'Documents owed to partners (acknowledgements) by outcome: available = the partner can fetch it from the transaction API.',
      labelNames: ['partner', 'document_type', 'outcome'],
    }),
    auditFailures: counter({
      name: 'tradewind_gateway_audit_failures_total',
      help: 'Audit events that could not be published to ops.audit (logged with the event).',
    }),
  };
}
