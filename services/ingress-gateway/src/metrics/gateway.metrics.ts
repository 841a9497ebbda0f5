import { counter, histogram } from '@tradewind/observability';
import type { Counter, Histogram } from 'prom-client';

export interface GatewayMetrics {
  readonly requests: Counter<'route' | 'partner' | 'status'>;
  readonly latency: Histogram<'route' | 'status'>;
  readonly acceptedDocuments: Counter<'partner' | 'document_type' | 'format'>;
  readonly rejections: Counter<'reason'>;
  readonly auditFailures: Counter;
}

/** The gateway's series on the service registry (served at /metrics). `partner` is `unknown` before authentication. */
export function gatewayMetrics(): GatewayMetrics {
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
    acceptedDocuments: counter({
      name: 'tradewind_gateway_documents_accepted_total',
      help: 'Documents published to ingress.documents (one per order of an upload).',
      labelNames: ['partner', 'document_type', 'format'],
    }),
    rejections: counter({
      name: 'tradewind_gateway_rejections_total',
      help: 'Refused requests by reason (the problem code).',
      labelNames: ['reason'],
    }),
    auditFailures: counter({
      name: 'tradewind_gateway_audit_failures_total',
      help: 'Audit events that could not be published to ops.audit (logged with the event).',
    }),
  };
}
