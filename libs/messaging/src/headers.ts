import type { IHeaders } from 'kafkajs';

/** Standard record headers (lower-case, as on the wire). Every record carries the first six. */
export const HEADER = {
  messageId: 'message-id',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  partnerId: 'partner-id',
  sourceSystem: 'source-system',
  traceparent: 'traceparent',
  // Retry and dead-letter bookkeeping, set by the consumer runner.
  attempt: 'tw-attempt',
  notBefore: 'tw-not-before',
  parkedReason: 'tw-parked-reason',
  originalTopic: 'tw-original-topic',
  originalPartition: 'tw-original-partition',
  originalOffset: 'tw-original-offset',
  errorClass: 'tw-error-class',
  errorMessage: 'tw-error-message',
  failedAt: 'tw-failed-at',
  consumerGroup: 'tw-consumer-group',
} as const;

export type RecordHeaders = Record<string, string>;

/** kafkajs hands headers as Buffers (or arrays of them); handlers see plain strings. */
export function decodeHeaders(headers: IHeaders | undefined): RecordHeaders {
  const out: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}
