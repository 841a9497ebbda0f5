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
  /** Odoo failed (5xx without an Odoo exception, network, bad credentials): counts against the breaker. */
  Failure = 'failure',
  /** Odoo rolled back on a lock or serialization conflict: worth retrying, says nothing of its health. */
  Conflict = 'conflict',
  /** Our request was wrong (unknown field...): not Odoo's health; retried then dead-lettered. */
  Invalid = 'invalid',
  /**
   * Odoo answered and failed on this call's records: a record rule's AccessError, a traceback one
   * record causes. Odoo is healthy; the culprit is isolated, retried as counted, then dead-lettered.
   */
  CommandFault = 'command-fault',
}

/**
 * Exceptions of Odoo's own infrastructure (its database, its worker): a 500 carrying one of these says
 * Odoo is unwell, not that the call's records are wrong.
 */
const INFRASTRUCTURE_EXCEPTION =
  /^(psycopg2?\.(OperationalError|InterfaceError|pool\.PoolError|errors\.(AdminShutdown|CannotConnectNow|ConnectionException|ConnectionFailure|DiskFull|OutOfMemory|TooManyConnections|QueryCanceled))|builtins\.(MemoryError|OSError|ConnectionError)|werkzeug\.exceptions\.InternalServerError)$/;

export function failureKindOf(error: Pick<OdooError, 'code' | 'odooName'>): FailureKind {
  switch (error.code) {
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
    case OdooErrorCode.ACCESS_DENIED:
      // AccessError (ACL or record rule) or a 403: Odoo checked and refused these records
      return FailureKind.CommandFault;
    case OdooErrorCode.SERVER_ERROR:
      // Odoo's dispatcher serialized a Python exception: its worker and database answered
      return error.odooName !== undefined && !INFRASTRUCTURE_EXCEPTION.test(error.odooName)
        ? FailureKind.CommandFault
        : FailureKind.Failure;
    case OdooErrorCode.AUTHENTICATION:
    case OdooErrorCode.TRANSPORT:
    case OdooErrorCode.PROTOCOL:
      return FailureKind.Failure;
  }
}

/**
 * A failure that belongs to the records of the call rather than to Odoo, so the call is split until the
 * record that causes it is alone: a command fault, or a timeout of a call of several records (an
 * oversized batch; alone, a record's timeout is Odoo's).
 */
export function isSplittable(error: unknown, records: number): error is OdooError {
  if (!(error instanceof OdooError)) return false;
  const kind = failureKindOf(error);
  return kind === FailureKind.CommandFault || (kind === FailureKind.Timeout && records > 1);
}

/** A failure of Odoo itself (an outage): while the breaker is not closed it uses up no attempt. */
export function isOutageFailure(error: unknown): boolean {
  const odoo = odooErrorOf(error);
  if (!odoo) return false;
  const kind = failureKindOf(odoo);
  return kind === FailureKind.Failure || kind === FailureKind.Timeout || kind === FailureKind.Refused;
}

/** The OdooError behind an error (itself, or the cause of a writer exception). */
export function odooErrorOf(error: unknown): OdooError | undefined {
  if (error instanceof OdooError) return error;
  if (error instanceof Error && error.cause instanceof OdooError) return error.cause;
  return undefined;
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
    return this.call(model, 'search_read', false, 1, (client) =>
      client.searchRead<T>(model, domain, { fields }),
    );
  }

  /** `records`: how many commands the rows carry (a timeout of several is the batch's, not Odoo's). */
  load(
    model: string,
    fields: readonly string[],
    rows: readonly (readonly string[])[],
    records: number,
  ): Promise<LoadResult> {
    return this.call(model, 'load', true, records, (client) => client.load(model, fields, rows));
  }

  write(model: string, ids: readonly number[], vals: Record<string, unknown>): Promise<true> {
    return this.call(model, 'write', true, ids.length, (client) => client.write(model, ids, vals as never));
  }

  /** A record method with named arguments (a wizard's `process` with its context). */
  method(
    model: string,
    method: string,
    ids: readonly number[],
    params: Record<string, unknown>,
  ): Promise<unknown> {
    return this.call(model, method, true, ids.length, (client) =>
      client.call(model, method, params, { ids }),
    );
  }

  /** A record method without arguments (action_confirm, button_validate, action_post). */
  action(model: string, method: string, ids: readonly number[]): Promise<unknown> {
    return this.call(model, method, true, ids.length, (client) => client.callAction(model, method, ids));
  }

  /** `create` with a context (a wizard opened on records: active_model, active_ids). */
  create(
    model: string,
    valsList: readonly Record<string, unknown>[],
    context?: Record<string, unknown>,
  ): Promise<number[]> {
    return this.call(model, 'create', true, valsList.length, (client) =>
      client.create(model, valsList, { context }),
    );
  }

  /** A record method with a context (a wizard's action: action_create_payments). */
  actionWithContext(
    model: string,
    method: string,
    ids: readonly number[],
    context: Record<string, unknown>,
  ): Promise<unknown> {
    return this.call(model, method, true, ids.length, (client) =>
      client.callAction(model, method, ids, { context }),
    );
  }

  private async call<T>(
    model: string,
    method: string,
    write: boolean,
    records: number,
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
        const kind = failureKindOf(error);
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
            // an oversized batch timing out is split by the caller; one record timing out is Odoo's
            if (records > 1) ticket.neutral();
            else ticket.failure();
            throw error;
          case FailureKind.CommandFault:
            // Odoo answered: it is healthy, these records are not
            permit.release({ kind: 'neutral' });
            ticket.success();
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
  return error instanceof OdooError && failureKindOf(error) === FailureKind.Business;
}
