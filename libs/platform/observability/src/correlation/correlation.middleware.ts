import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import { type CorrelationContext, runWithCorrelation } from './correlation.context';
import { childTraceparent } from './traceparent';

export const CORRELATION_ID_HEADER = 'x-correlation-id';
export const TRACEPARENT_HEADER = 'traceparent';

// An id from outside is echoed into logs and Kafka headers: accept only a short, printable token.
const ACCEPTABLE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$/;

export interface RequestLike {
  headers: IncomingHttpHeaders;
}
export interface ResponseLike {
  setHeader(name: string, value: string): unknown;
}

/**
 * The correlation of an incoming HTTP request: its `X-Correlation-Id` when well-formed (else a new
 * UUID), and a span of the caller's `traceparent` (else a new trace).
 */
export function correlationFromHeaders(headers: IncomingHttpHeaders): CorrelationContext {
  const given = firstValue(headers[CORRELATION_ID_HEADER]);
  return {
    correlationId: given !== undefined && ACCEPTABLE_ID.test(given) ? given : randomUUID(),
    traceparent: childTraceparent(firstValue(headers[TRACEPARENT_HEADER])),
  };
}

/**
 * Express-style middleware: runs the rest of the request inside runWithCorrelation and echoes
 * `X-Correlation-Id` so the caller can quote it. Usable without Nest: `app.use(correlationMiddleware)`.
 */
export function correlationMiddleware(
  req: RequestLike,
  res: ResponseLike,
  next: (error?: unknown) => void,
): void {
  const context = correlationFromHeaders(req.headers);
  res.setHeader('X-Correlation-Id', context.correlationId);
  runWithCorrelation(context, () => next());
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
