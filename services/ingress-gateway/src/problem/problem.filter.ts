import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { unavailableDependency } from '@tradewind/messaging';
import { createLogger, currentCorrelation } from '@tradewind/observability';
import type { Request, Response } from 'express';

import { exchangeOf } from '../exchange/exchange';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { PROBLEM_CONTENT_TYPE, problemType, renderProblem, requestInstance } from './problem-details';

/** Nest's own HTTP exceptions (unknown route, bad parameter) in the gateway's terms. */
export function fromHttpException(error: HttpException): GatewayException {
  const status = error.getStatus();
  if (status === 404) {
    return new GatewayException(
      GatewayErrorCode.RouteNotFound,
      'There is no such resource in this API (see /docs).',
      {
        cause: error,
      },
    );
  }
  if (status === 405) {
    return new GatewayException(
      GatewayErrorCode.RouteNotFound,
      'This method is not supported on this resource.',
      {
        cause: error,
      },
    );
  }
  if (status >= 400 && status < 500) {
    return new GatewayException(GatewayErrorCode.InvalidRequest, error.message, { cause: error });
  }
  return new GatewayException(GatewayErrorCode.Internal, 'The request could not be processed.', {
    cause: error,
  });
}

const DEPENDENCY_RETRY_AFTER_SECONDS = 2;
// pg-pool's words when no connection frees up within the connect timeout (a stalled or saturated pool).
const POOL_TIMEOUT = /timeout exceeded when trying to connect/i;

/**
 * An error of a store the request needed (PostgreSQL down, restarting or its pool exhausted, Redis
 * unreachable), as a 503 to retry: not the request's fault, and not a bug of ours (500).
 */
export function fromDependencyFailure(error: unknown): GatewayException | undefined {
  const dependency = unavailableDependency(error) ?? (poolTimedOut(error) ? 'database' : undefined);
  if (dependency === undefined) return undefined;
  return new GatewayException(
    GatewayErrorCode.DependencyUnavailable,
    'The request could not be completed now because a platform dependency is unavailable. Send it again shortly (with the same Idempotency-Key: it is never accepted twice).',
    { cause: error, retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS, policy: `dependency:${dependency}` },
  );
}

function poolTimedOut(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; depth++) {
    if (POOL_TIMEOUT.test(e.message)) return true;
    e = (e as { driverError?: unknown }).driverError ?? e.cause;
  }
  return false;
}

/**
 * Renders every error as `application/problem+json` (RFC 9457) and notes on the exchange why it was
 * refused, for the audit record. Anything else is a bug of ours (500, logged), but for an unavailable
 * dependency (503 + Retry-After).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly log = createLogger(ProblemFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const error =
      exception instanceof GatewayException
        ? exception
        : exception instanceof HttpException
          ? fromHttpException(exception)
          : (fromDependencyFailure(exception) ??
            new GatewayException(GatewayErrorCode.Internal, 'The request could not be processed.', {
              cause: exception,
            }));
    const type = problemType(error.code);
    if (type.status >= 500) this.log.error({ err: exception }, 'request failed');

    const exchange = exchangeOf(req);
    exchange.outcome ??= type.outcome;
    exchange.reasonCode = error.code;
    exchange.reason ??= error.detail;
    exchange.policy ??= error.policy;

    if (res.headersSent) {
      res.end();
      return;
    }
    const id = currentCorrelation()?.correlationId ?? String(res.getHeader('x-correlation-id') ?? 'unknown');
    res.status(type.status);
    res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    res.setHeader('Cache-Control', 'no-store');
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (type.status === 401) res.setHeader('WWW-Authenticate', 'TradewindHMAC realm="partners"');
    // A body we stopped reading (413) or never read (early 401) would otherwise be drained on this socket.
    if (!req.complete) res.setHeader('Connection', 'close');
    res.send(JSON.stringify(renderProblem(error, requestInstance(id))));
  }
}
