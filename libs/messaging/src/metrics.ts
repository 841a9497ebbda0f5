import { Counter, Gauge, Histogram, register, type Registry } from 'prom-client';

/** Messaging metrics, created once per registry (several runners in one process share them). */
export interface MessagingMetrics {
  consumed: Counter<'topic' | 'group' | 'outcome'>;
  handlerDuration: Histogram<'topic' | 'group' | 'outcome'>;
  retries: Counter<'topic' | 'group'>;
  deadLetters: Counter<'topic' | 'group'>;
  lag: Gauge<'topic' | 'partition' | 'group'>;
  produced: Counter<'topic'>;
  produceBatchSize: Histogram<'topic'>;
}

const cache = new WeakMap<Registry, MessagingMetrics>();

export function messagingMetrics(registry: Registry = register): MessagingMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: MessagingMetrics = {
    consumed: new Counter({
      name: 'tradewind_messages_consumed_total',
      help: 'Records handled by consumers, by final outcome of the attempt (success, business_error, retry, dead_letter, parked).',
      labelNames: ['topic', 'group', 'outcome'],
      registers,
    }),
    handlerDuration: new Histogram({
      name: 'tradewind_message_handler_duration_seconds',
      help: 'Time spent in a handler per attempt.',
      labelNames: ['topic', 'group', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    retries: new Counter({
      name: 'tradewind_message_retries_total',
      help: 'Handler attempts that failed with a technical error and were retried.',
      labelNames: ['topic', 'group'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'tradewind_message_dead_letters_total',
      help: 'Records moved to a dead-letter topic.',
      labelNames: ['topic', 'group'],
      registers,
    }),
    lag: new Gauge({
      name: 'tradewind_consumer_lag_records',
      help: 'High watermark minus the next offset to process, per partition (last batch seen).',
      labelNames: ['topic', 'partition', 'group'],
      registers,
    }),
    produced: new Counter({
      name: 'tradewind_messages_produced_total',
      help: 'Records acknowledged by the broker.',
      labelNames: ['topic'],
      registers,
    }),
    produceBatchSize: new Histogram({
      name: 'tradewind_produce_batch_records',
      help: 'Records per produce request after linger batching.',
      labelNames: ['topic'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers,
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}
