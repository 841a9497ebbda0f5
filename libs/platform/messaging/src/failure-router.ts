import { randomUUID } from 'node:crypto';

import { ExceptionKind, type OpsException } from '@tradewind/contracts';
import { createLogger } from '@tradewind/observability';

import { unavailableDependency } from './dependency-gate';
import { HEADER, type RecordHeaders } from './headers';
import {
  type BusinessRuleDetail,
  BusinessRuleError,
  errorClass,
  errorMessage,
  PoisonRecordError,
} from './messaging.exception';
import type { MessagingMetrics } from './metrics';
import type { ParkedRecordStore } from './parked-records';
import type { ConsumerTransport, TransportMessage } from './transport';

export interface RetryPolicy {
  /** Attempts inside the main consumer before the record is parked in the retry topic. */
  inProcessAttempts: number;
  /** Total attempts (all stages) before the record is dead-lettered. */
  maxAttempts: number;
  /** Delay before each retry-topic attempt; the last value repeats. */
  delaysMs: number[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  inProcessAttempts: 2,
  maxAttempts: 5,
  delaysMs: [1_000, 5_000, 15_000],
};

/** What a handler's failure means for its record. */
export type Failure =
  /** Breaks a business rule: ops.exceptions at once, never retried. */
  | { kind: 'business'; error: BusinessRuleError }
  /** Can never be processed: dead-lettered at once. */
  | { kind: 'poison'; error: unknown }
  /** A dependency is down: held without using up an attempt. */
  | { kind: 'dependency'; dependency: string; error: unknown }
  /** Anything else: retried, then dead-lettered. */
  | { kind: 'technical'; error: unknown };

export function classifyFailure(error: unknown): Failure {
  if (error instanceof BusinessRuleError) return { kind: 'business', error };
  if (error instanceof PoisonRecordError) return { kind: 'poison', error };
  const dependency = unavailableDependency(error);
  if (dependency !== undefined) return { kind: 'dependency', dependency, error };
  return { kind: 'technical', error };
}

/** Where a record came from: its source topic coordinates, also for copies read from the retry topic. */
export interface RecordSource {
  partition: number;
  offset: string;
}

export interface FailureRouterOptions {
  transport: ConsumerTransport;
  parked: ParkedRecordStore;
  groupId: string;
  topic: string;
  retryTopic: string;
  deadLetterTopic: string;
  policy: RetryPolicy;
  metrics: MessagingMetrics;
}

/**
 * Disposes of records that did not succeed: parks them (retry topic + parked key), dead-letters them
 * (dead-letter topic + ops.exceptions) and reports business failures to ops.exceptions.
 */
export class FailureRouter {
  private readonly log = createLogger('FailureRouter');

  constructor(private readonly options: FailureRouterOptions) {}

  /** Delay before the retry-topic attempt that follows `attempt`. */
  delayFor(attempt: number): number {
    const { delaysMs, inProcessAttempts } = this.options.policy;
    return delaysMs[Math.min(Math.max(attempt - inProcessAttempts, 0), delaysMs.length - 1)] ?? 1_000;
  }

  async park(
    partition: number,
    message: TransportMessage,
    key: string | null,
    attemptsSoFar: number,
    reason: 'failed' | 'key-parked',
    error: unknown,
  ): Promise<void> {
    const { topic, groupId } = this.options;
    // Note the parked record before copying it: a crash in between re-parks on redelivery (idempotent).
    if (key !== null) await this.options.parked.park(groupId, topic, key, partition, message.offset);
    const delay = reason === 'failed' ? this.delayFor(attemptsSoFar) : 0;
    const headers: RecordHeaders = {
      ...message.headers,
      [HEADER.attempt]: String(attemptsSoFar),
      [HEADER.notBefore]: String(Date.now() + delay),
      [HEADER.parkedReason]: reason,
      [HEADER.originalTopic]: topic,
      [HEADER.originalPartition]: String(partition),
      [HEADER.originalOffset]: message.offset,
      [HEADER.consumerGroup]: groupId,
    };
    if (error !== undefined) {
      headers[HEADER.errorClass] = errorClass(error);
      headers[HEADER.errorMessage] = errorMessage(error).slice(0, 1000);
    }
    await this.options.transport.publishRaw(this.options.retryTopic, [
      { key: message.key, value: message.value, headers },
    ]);
    this.options.metrics.consumed.inc({ topic, group: groupId, outcome: 'parked' });
  }

  async deadLetter(
    message: TransportMessage,
    key: string | null,
    source: RecordSource,
    attempts: number,
    error: unknown,
  ): Promise<void> {
    const { topic, groupId } = this.options;
    const headers: RecordHeaders = {
      ...message.headers,
      [HEADER.attempt]: String(attempts),
      [HEADER.originalTopic]: topic,
      [HEADER.originalPartition]: String(source.partition),
      [HEADER.originalOffset]: source.offset,
      [HEADER.consumerGroup]: groupId,
      [HEADER.errorClass]: errorClass(error),
      [HEADER.errorMessage]: errorMessage(error).slice(0, 1000),
      [HEADER.failedAt]: new Date().toISOString(),
    };
    await this.options.transport.publishRaw(this.options.deadLetterTopic, [
      { key: message.key, value: message.value, headers },
    ]);
    await this.report(
      ExceptionKind.DeadLetter,
      errorClass(error),
      errorMessage(error),
      message,
      key,
      source,
      [],
    );
    this.options.metrics.deadLetters.inc({ topic, group: groupId });
    this.log.warn(
      {
        topic,
        partition: source.partition,
        offset: source.offset,
        key,
        attempts,
        error: errorMessage(error),
      },
      'record dead-lettered',
    );
  }

  reportBusiness(
    error: BusinessRuleError,
    message: TransportMessage,
    key: string | null,
    source: RecordSource,
  ): Promise<void> {
    return this.report(
      ExceptionKind.Business,
      error.code,
      error.message,
      message,
      key,
      source,
      error.details,
    );
  }

  private async report(
    kind: ExceptionKind,
    code: string,
    text: string,
    message: TransportMessage,
    key: string | null,
    source: RecordSource,
    details: readonly BusinessRuleDetail[],
  ): Promise<void> {
    const { headers } = message;
    const exception: OpsException = {
      exceptionId: randomUUID(),
      kind,
      code,
      message: text.slice(0, 4000),
      service: this.options.groupId,
      sourceTopic: this.options.topic,
      sourcePartition: source.partition,
      sourceOffset: source.offset,
      sourceKey: key,
      partnerId: headers[HEADER.partnerId] ?? null,
      correlationId: headers[HEADER.correlationId] ?? null,
      details: details.map((d) => ({ code: d.code, message: d.message, location: d.location ?? null })),
      occurredAt: Date.now(),
      // A technical failure knows the record, not its business document.
      workflow: null,
      documentType: null,
      businessKey: null,
      documentId: null,
      documentVersion: null,
      record: null,
    };
    await this.options.transport.publishException(exception, key, {
      [HEADER.correlationId]: headers[HEADER.correlationId] ?? randomUUID(),
      ...(headers[HEADER.messageId] ? { [HEADER.causationId]: headers[HEADER.messageId] } : {}),
    });
  }
}
