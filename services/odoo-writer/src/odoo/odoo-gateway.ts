// Every Odoo call of the writer goes through here: the circuit breaker (wait while open), the adaptive
// concurrency limit, fault injection for write calls, metrics, and the handling of refusals (429/503:
// the call never ran, so it is retried after Retry-After without using up an attempt).
import type { Logger } from '@tradewind/observability';
import {
  type Domain,
  type LoadResult,
  type OdooClient,
  OdooError,
  OdooErrorCode,
  type OdooRecord,
} from '@tradewind/odoo-client';

import type { FaultInjector } from '../fault-injector';
import type { OdooWriterMetrics } from '../odoo-writer.metrics';
import type { AdaptiveConcurrencyLimiter } from '../resilience/adaptive-limiter';
import { backoffDelay, pause } from '../resilience/backoff';
import type { CircuitBreaker } from '../resilience/circuit-breaker';

/** How a failed call affects the breaker, the limit and what happens next. */
export enum FailureKind {
  /** Odoo refused the content (UserError, missing record): Odoo is healthy, the command is not. */
  Business = 'business',
  /** Refused before running (429, 503): wait, then send the same call again. */
  Refused = 'refused',
  /** No answer in time: overload signal; the outcome is unknown. */
  Timeout = 'timeout',
  /** Odoo failed (5xx, network, bad credentials): counts against the breaker. */
  Failure = 'failure',
  /** Odoo rolled back on a lock or serialization conflict: worth retrying, says nothing of its health. */
  Conflict = 'conflict',
  /** Our request was wrong (unknown field...): not Odoo's health; retried then dead-lettered. */
  Invalid = 'invalid',
}

export function failureKindOf(code: OdooErrorCode): FailureKind {
  switch (code) {
    case OdooErrorCode.VALIDATION:
    case OdooErrorCode.MISSING_RECORD:
      return FailureKind.Business;
    case OdooErrorCode.RATE_LIMITED:
    case OdooErrorCode.UNAVAILABLE:
      return FailureKind.Refused;
    case OdooErrorCode.TIMEOUT:
      return FailureKind.Timeout;
    case OdooErrorCode.CONCURRENCY:
      return FailureKind.Conflict;
    case OdooErrorCode.INVALID_REQUEST:
      return FailureKind.Invalid;
    case OdooErrorCode.AUTHENTICATION:
    case OdooErrorCode.ACCESS_DENIED:
    case OdooErrorCode.TRANSPORT:
    case OdooErrorCode.PROTOCOL:
    case OdooErrorCode.SERVER_ERROR:
      return FailureKind.Failure;
  }
}

export interface OdooGatewayOptions {
  /** Backoff between refusals that carry no Retry-After. */
  refusalBaseDelayMs: number;
  refusalMaxDelayMs: number;
}

export class OdooGateway {
  constructor(
    private readonly client: OdooClient,
    private readonly limiter: AdaptiveConcurrencyLimiter,
    private readonly breaker: CircuitBreaker,
    private readonly metrics: OdooWriterMetrics,
    private readonly faults: FaultInjector,
    private readonly log: Logger,
    private readonly options: OdooGatewayOptions,
  ) {}

  searchRead<T extends OdooRecord = OdooRecord>(
    model: string,
    domain: Domain,
    fields: readonly string[],
  ): Promise<T[]> {
    return this.call(model, 'search_read', false, (client) =>
      client.searchRead<T>(model, domain, { fields }),
    );
  }

  load(model: string, fields: readonly string[], rows: readonly (readonly string[])[]): Promise<LoadResult> {
    return this.call(model, 'load', true, (client) => client.load(model, fields, rows));
  }

  /** A record method without arguments (action_confirm, button_validate, action_post). */
  action(model: string, method: string, ids: readonly number[]): Promise<unknown> {
    return this.call(model, method, true, (client) => client.callAction(model, method, ids));
  }

  private async call<T>(
    model: string,
    method: string,
    write: boolean,
    fn: (client: OdooClient) => Promise<T>,
  ): Promise<T> {
    for (let refusals = 0; ;) {
      const ticket = await this.breaker.admit();
      const permit = await this.limiter.acquire();
      this.metrics.callsInFlight.set(this.limiter.inFlight);
      if (write) this.faults.reach('before-call', { model, method });
      const started = performance.now();
      try {
        const pending = fn(this.client);
        if (write) this.faults.inFlight({ model, method });
        const result = await pending;
        const latencyMs = performance.now() - started;
        permit.release({ kind: 'success', latencyMs });
        ticket.success();
        this.observe(model, method, 'success', latencyMs);
        return result;
      } catch (error) {
        const latencyMs = performance.now() - started;
        if (!(error instanceof OdooError)) {
          permit.release({ kind: 'neutral' });
          ticket.neutral();
          this.observe(model, method, 'client_error');
          throw error;
        }
        const kind = failureKindOf(error.code);
        this.observe(
          model,
          method,
          error.code.toLowerCase(),
          kind === FailureKind.Business ? latencyMs : undefined,
        );
        switch (kind) {
          case FailureKind.Business:
            permit.release({ kind: 'success', latencyMs });
            ticket.success();
            throw error;
          case FailureKind.Refused: {
            permit.release({
              kind: 'overload',
              retryAfterMs: error.retryAfterMs,
              reason: `${error.code} from Odoo`,
            });
            ticket.failure(error.retryAfterMs);
            refusals += 1;
            const delay =
              error.retryAfterMs ??
              backoffDelay(refusals, this.options.refusalBaseDelayMs, this.options.refusalMaxDelayMs);
            this.log.debug(
              { model, method, code: error.code, retryInMs: delay },
              'Odoo refused the call; retrying',
            );
            await pause(delay);
            continue;
          }
          case FailureKind.Timeout:
            permit.release({ kind: 'overload', reason: 'timeout' });
            ticket.failure();
            throw error;
          case FailureKind.Failure:
            permit.release({ kind: 'neutral' });
            ticket.failure(error.retryAfterMs);
            throw error;
          case FailureKind.Conflict:
          case FailureKind.Invalid:
            permit.release({ kind: 'neutral' });
            ticket.success();
            throw error;
        }
      } finally {
        this.metrics.callsInFlight.set(this.limiter.inFlight);
      }
    }
  }

  private observe(model: string, method: string, outcome: string, latencyMs?: number): void {
    this.metrics.calls.inc({ model, method, outcome });
    if (latencyMs !== undefined) this.metrics.callDuration.observe({ model, method }, latencyMs / 1000);
  }
}

export function isOdooBusinessError(error: unknown): error is OdooError {
  return error instanceof OdooError && failureKindOf(error.code) === FailureKind.Business;
}
