import { Counter, Gauge, type Registry } from 'prom-client';

/** What the relay reports; pass a callback object, or {@link prometheusOutboxMetrics}. */
export interface OutboxMetrics {
  /** Unpublished rows in the schema, as last seen by the active relay (a standby reports 0). */
  pending(schema: string, count: number): void;
  published(schema: string, count: number): void;
  publishFailed?(schema: string, error: unknown): void;
  /** Rows skipped because they can never be sent (reported by the publisher). */
  undeliverable?(schema: string, count: number): void;
}

interface OutboxCollectors {
  pending: Gauge<'schema'>;
  published: Counter<'schema'>;
  failures: Counter<'schema'>;
  undeliverable: Counter<'schema'>;
}

// One set of collectors per registry: several relays in one process (one per schema) share them.
const collectors = new WeakMap<Registry, OutboxCollectors>();

/** `tradewind_outbox_` + pending_messages, published_total, publish_failures_total, undeliverable_total. */
export function prometheusOutboxMetrics(registry: Registry): OutboxMetrics {
  let set = collectors.get(registry);
  if (!set) {
    const registers = [registry];
    set = {
      pending: new Gauge({
        name: 'tradewind_outbox_pending_messages',
        help: 'Outbox rows not yet published, as last seen by the active relay of the schema.',
        labelNames: ['schema'],
        registers,
      }),
      published: new Counter({
        name: 'tradewind_outbox_published_total',
        help: 'Outbox rows published to the broker and marked (a re-publish after a crash counts again).',
        labelNames: ['schema'],
        registers,
      }),
      failures: new Counter({
        name: 'tradewind_outbox_publish_failures_total',
        help: 'Publish attempts of an outbox batch that failed and will be retried.',
        labelNames: ['schema'],
        registers,
      }),
      undeliverable: new Counter({
        name: 'tradewind_outbox_undeliverable_total',
        help: 'Outbox rows that can never be sent (e.g. over the broker limit): reported to ops.exceptions and skipped.',
        labelNames: ['schema'],
        registers,
      }),
    };
    collectors.set(registry, set);
  }
  const { pending, published, failures, undeliverable } = set;
  return {
    pending: (schema, count) => pending.set({ schema }, count),
    published: (schema, count) => published.inc({ schema }, count),
    publishFailed: (schema) => failures.inc({ schema }),
    undeliverable: (schema, count) => undeliverable.inc({ schema }, count),
  };
}
