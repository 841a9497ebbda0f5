import { counter, gauge, histogram } from '@tradewind/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** Messaging metrics on the service's registry (served at /metrics); shared by every runner in a process. */
export interface MessagingMetrics {
  consumed: Counter<'topic' | 'group' | 'outcome'>;
  handlerDuration: Histogram<'topic' | 'group' | 'outcome'>;
  retries: Counter<'topic' | 'group'>;
  deadLetters: Counter<'topic' | 'group'>;
  lag: Gauge<'topic' | 'partition' | 'group'>;
  dependencyUnavailable: Gauge<'group' | 'dependency'>;
  dependencyWaits: Counter<'topic' | 'group' | 'dependency'>;
  produced: Counter<'topic'>;
  produceBatchSize: Histogram<'topic'>;
}

export function messagingMetrics(): MessagingMetrics {
  return {
    consumed: counter({
      name: 'tradewind_messages_consumed_total',
      help: 'Handler attempts by outcome (success, business_error, retry, dead_letter, parked, dependency_unavailable).',
      labelNames: ['topic', 'group', 'outcome'],
    }),
    handlerDuration: histogram({
      name: 'tradewind_message_handler_duration_seconds',
      help: 'Time spent in a handler per attempt.',
      labelNames: ['topic', 'group', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    retries: counter({
      name: 'tradewind_message_retries_total',
      help: 'Handler attempts that failed with a technical error and were retried.',
      labelNames: ['topic', 'group'],
    }),
    deadLetters: counter({
      name: 'tradewind_message_dead_letters_total',
      help: 'Records moved to a dead-letter topic.',
      labelNames: ['topic', 'group'],
    }),
    lag: gauge({
      name: 'tradewind_consumer_lag_records',
      help: 'High watermark minus the next offset to process, per partition (last batch seen).',
      labelNames: ['topic', 'partition', 'group'],
    }),
    dependencyUnavailable: gauge({
      name: 'tradewind_consumer_dependency_unavailable',
      help: '1 while a consumer group holds its records because a dependency is down.',
      labelNames: ['group', 'dependency'],
    }),
    dependencyWaits: counter({
      name: 'tradewind_consumer_dependency_failures_total',
      help: 'Handler attempts that found a dependency down (held and retried, no attempt counted).',
      labelNames: ['topic', 'group', 'dependency'],
    }),
    produced: counter({
      name: 'tradewind_messages_produced_total',
      help: 'Records acknowledged by the broker.',
      labelNames: ['topic'],
    }),
    produceBatchSize: histogram({
      name: 'tradewind_produce_batch_records',
      help: 'Records per produce request after linger batching.',
      labelNames: ['topic'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    }),
  };
}
