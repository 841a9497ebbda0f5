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

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorClass(error: unknown): string {
  if (error instanceof MessagingException) return error.code;
  if (error instanceof BusinessRuleError) return error.code;
  return error instanceof Error ? error.name : typeof error;
}
