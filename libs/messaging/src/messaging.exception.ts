/** Failures of the messaging layer itself (not of a handler). */
export enum MessagingErrorCode {
  SchemaNotRegistered = 'SCHEMA_NOT_REGISTERED',
  InvalidPayload = 'INVALID_PAYLOAD',
  DecodeFailed = 'DECODE_FAILED',
  RegistryUnavailable = 'REGISTRY_UNAVAILABLE',
  ProducerClosed = 'PRODUCER_CLOSED',
  UnknownTopic = 'UNKNOWN_TOPIC',
  TopicNotReady = 'TOPIC_NOT_READY',
}

export class MessagingException extends Error {
  constructor(
    readonly code: MessagingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'MessagingException';
  }
}

export interface BusinessRuleDetail {
  code: string;
  message: string;
  location?: string | null;
}

/**
 * A handler throws this when the record is valid Kafka-wise but breaks a business rule (unknown SKU,
 * price out of tolerance, policy violation). It is never retried: it goes to ops.exceptions at once,
 * where a person can correct, replay or discard it.
 */
export class BusinessRuleError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: BusinessRuleDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BusinessRuleError';
  }
}

/** A record that can never be processed however often it is retried (e.g. undecodable bytes). */
export class PoisonRecordError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonRecordError';
  }
}

/**
 * Something the handler needs is down (Odoo, PostgreSQL, the schema registry), not wrong with the
 * record. The runner holds the record and retries it with backoff for as long as the dependency is
 * down, without using up any of its attempts; it never dead-letters it for this. Throw it only for
 * unavailability (refused connections, 503s), never for an error one record causes.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    /** Short name shown in metrics and readiness: `odoo`, `database`, `schema-registry`. */
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorClass(error: unknown): string {
  if (error instanceof MessagingException) return error.code;
  if (error instanceof BusinessRuleError) return error.code;
  if (error instanceof DependencyUnavailableError) return `${error.dependency}-unavailable`;
  return error instanceof Error ? error.name : typeof error;
}
