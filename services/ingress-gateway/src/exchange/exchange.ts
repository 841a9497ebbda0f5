// What one HTTP exchange did, filled in as the request goes through authentication, policy and
// validation; recorded on ops.audit and in the metrics once the response is sent.
import type { AuditOutcome } from '@tradewind/contracts';

export interface Exchange {
  /** Stable label for metrics: the route pattern, e.g. `POST /v1/documents/:documentType`. */
  route: string;
  /** Audit action: document.submit, transaction.read, batch.read, request. */
  action: string;
  partnerId?: string;
  /** The credential's key id. */
  principal?: string;
  documentType?: string;
  sizeBytes: number;
  sha256?: string;
  /** Tracking id of the document (or batch id of a multi-document upload) the exchange concerns. */
  trackingId?: string;
  outcome?: AuditOutcome;
  /** The catalog rule or scope that decided. */
  policy?: string;
  reason?: string;
  /** Machine-readable reason for metrics (`rejections_total{reason}`): the GatewayErrorCode. */
  reasonCode?: string;
  acceptedDocuments?: number;
  format?: string;
}

const EXCHANGE = Symbol('tradewind:gateway-exchange');

interface WithExchange {
  [EXCHANGE]?: Exchange;
}

export function newExchange(route: string, action: string): Exchange {
  return { route, action, sizeBytes: 0 };
}

/** The exchange of a request, created on first use (routes Nest could not match get one from the filter). */
export function exchangeOf(req: object): Exchange {
  const holder = req as WithExchange;
  holder[EXCHANGE] ??= newExchange('unmatched', 'request');
  return holder[EXCHANGE];
}

export function hasExchange(req: object): boolean {
  return (req as WithExchange)[EXCHANGE] !== undefined;
}
