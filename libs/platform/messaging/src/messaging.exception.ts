/** Failures of the messaging layer itself (not of a handler). */
export enum MessagingErrorCode {
  SchemaNotRegistered = 'SCHEMA_NOT_REGISTERED',
  InvalidPayload = 'INVALID_PAYLOAD',
  DecodeFailed = 'DECODE_FAILED',
  RegistryUnavailable = 'REGISTRY_UNAVAILABLE',
  ProducerClosed = 'PRODUCER_CLOSED',
  UnknownTopic = 'UNKNOWN_TOPIC',
  TopicNotReady = 'TOPIC_NOT_READY',
  /** The encoded record cannot fit the broker's limit: refused before it is queued. */
  RecordTooLarge = 'RECORD_TOO_LARGE',
  /** The producer's queue is at its bound: refused before it is queued. */
  QueueFull = 'QUEUE_FULL',
  /** The deadline passed before the record was handed to the broker: it was withdrawn, never sent. */
  NotSent = 'NOT_SENT',
  /** The deadline passed while the record was with the broker: it may or may not be written. */
  OutcomeUnknown = 'OUTCOME_UNKNOWN',
  /** The broker refused this record on its own (e.g. MESSAGE_TOO_LARGE): resending cannot help. */
  RecordRefused = 'RECORD_REFUSED',
}

/** A record no resend can deliver: its caller must report it, not retry it. */
export function isUndeliverable(error: unknown): boolean {
  if (!(error instanceof MessagingException)) return false;
  switch (error.code) {
    case MessagingErrorCode.RecordTooLarge:
    case MessagingErrorCode.RecordRefused:
    case MessagingErrorCode.InvalidPayload:
      return true;
    case MessagingErrorCode.SchemaNotRegistered:
    case MessagingErrorCode.DecodeFailed:
    case MessagingErrorCode.RegistryUnavailable:
    case MessagingErrorCode.ProducerClosed:
    case MessagingErrorCode.UnknownTopic:
    case MessagingErrorCode.TopicNotReady:
    case MessagingErrorCode.QueueFull:
    case MessagingErrorCode.NotSent:
    case MessagingErrorCode.OutcomeUnknown:
      return false;
  }
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

/**
 * The deadline passed while some of a send's records were with the broker. `outcome` settles once the
 * broker answers: resolved when every record was written, rejected otherwise.
 */
export class OutcomeUnknownException extends MessagingException {
  constructor(
    message: string,
    readonly outcome: Promise<void>,
  ) {
    super(MessagingErrorCode.OutcomeUnknown, message);
    this.name = 'OutcomeUnknownException';
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
