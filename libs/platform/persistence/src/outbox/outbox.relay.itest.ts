import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { HEADER } from '@tradewind/contracts';
import { expectEventually, waitForQuiescence } from '@tradewind/testing';
import { Registry } from 'prom-client';

import { persistenceMigrations } from '../index';
import type { PersistenceLogger } from '../logger';
import { openTestDatabase, type TestDatabase } from '../test/test-database';
import { withTransaction } from '../transaction';
import { purgePublishedOutbox } from './outbox.cleanup';
import { prometheusOutboxMetrics } from './outbox.metrics';
import { OutboxRelay, type OutboxRelayOptions } from './outbox.relay';
import type { OutboxMessage, OutboxPublisher } from './outbox.types';
import { OutboxWriter } from './outbox.writer';

const quiet: PersistenceLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Records what it is asked to publish; optionally fails or blocks. */
class RecordingPublisher implements OutboxPublisher {
  readonly batches: OutboxMessage[][] = [];
  failNext = 0;
  constructor(
    private readonly shared: { inFlight: number; maxInFlight: number } = { inFlight: 0, maxInFlight: 0 },
  ) {}

  get messages(): OutboxMessage[] {
    return this.batches.flat();
  }

  async publish(messages: OutboxMessage[]): Promise<void> {
    this.shared.inFlight++;
    this.shared.maxInFlight = Math.max(this.shared.maxInFlight, this.shared.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.failNext > 0) {
        this.failNext--;
        throw new Error('broker unavailable');
      }
      this.batches.push(messages);
    } finally {
      this.shared.inFlight--;
    }
  }
}

void describe('OutboxRelay', () => {
  let db: TestDatabase;
  const writer = new OutboxWriter();
  const relays: OutboxRelay[] = [];

  before(async () => {
    db = await openTestDatabase({ migrations: persistenceMigrations });
  });
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop();
    await db.dataSource.query('TRUNCATE outbox_message');
  });
  after(() => db.drop());

  function relay(publisher: OutboxPublisher, options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const created = new OutboxRelay({
      url: db.url,
      schema: db.schema,
      publisher,
      logger: quiet,
      standbyPollMs: 100,
      backoff: { initialMs: 20, maxMs: 100 },
      ...options,
    });
    relays.push(created);
    created.start();
    return created;
  }

  async function enqueue(count: number, from = 0): Promise<string[]> {
    const requests = Array.from({ length: count }, (_, index) => ({
      topic: 'orders.state',
      key: `k${(from + index) % 5}`,
      value: { n: from + index, blob: Buffer.from([from + index]) },
      headers: { [HEADER.correlationId]: `c${from + index}` },
    }));
    const enqueued = await withTransaction(db.dataSource, (manager) => writer.enqueueAll(manager, requests));
    return enqueued.map((entry) => entry.messageId);
  }

  async function unpublished(): Promise<number> {
    const [{ n }] = await db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL',
    );
    return n;
  }

  void it('publishes in id order, in batches, with the message id in the headers, and marks rows', async () => {
    const ids = await enqueue(250);
    const publisher = new RecordingPublisher();
    relay(publisher, { batchSize: 100 });
    await expectEventually(async () => assert.equal(await unpublished(), 0));
    assert.deepEqual(
      publisher.batches.map((batch) => batch.length),
      [100, 100, 50],
    );
    const messages = publisher.messages;
    assert.deepEqual(
      messages.map((message) => message.messageId),
      ids,
    );
    assert.deepEqual(messages[7].headers, { [HEADER.correlationId]: 'c7', [HEADER.messageId]: ids[7] });
    assert.deepEqual(messages[7].value, { n: 7, blob: Buffer.from([7]) });
    assert.equal(messages[7].key, 'k2');
    const numericIds = messages.map((message) => BigInt(message.id));
    assert.ok(numericIds.every((id, index) => index === 0 || id > numericIds[index - 1]));
  });

  void it('wakes on the insert notification, without waiting for the poll', async () => {
    const publisher = new RecordingPublisher();
    const applicationName = `outbox-relay-notify-${db.schema}`;
    const active = relay(publisher, { pollIntervalMs: 600_000, applicationName, cleanup: false });
    await expectEventually(() => assert.equal(active.state, 'active'));
    // Wait until the start-up drain found the outbox empty and the relay sleeps on its 10-minute poll:
    // from then on only NOTIFY can wake it.
    await expectEventually(async () => {
      const rows = await db.dataSource.query<{ state: string; query: string }[]>(
        'SELECT state, query FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      assert.equal(rows.length, 1);
      assert.equal(rows[0].state, 'idle');
      assert.match(rows[0].query, /SELECT o\.id/);
    });
    await enqueue(3);
    await expectEventually(() => assert.equal(publisher.messages.length, 3), { timeoutMs: 5_000 });
  });

  void it('lets one relay publish at a time; the standby takes over when the active one stops', async () => {
    const shared = { inFlight: 0, maxInFlight: 0 };
    const first = new RecordingPublisher(shared);
    const second = new RecordingPublisher(shared);
    const a = relay(first, { batchSize: 10 });
    await expectEventually(() => assert.equal(a.state, 'active'));
    const b = relay(second, { batchSize: 10 });
    await expectEventually(() => assert.equal(b.state, 'standby'));

    const before = await enqueue(200);
    await expectEventually(async () => assert.equal(await unpublished(), 0));
    assert.equal(b.state, 'standby');
    assert.equal(second.messages.length, 0, 'the standby published nothing');
    assert.deepEqual(
      first.messages.map((message) => message.messageId),
      before,
    );

    await a.stop();
    await expectEventually(() => assert.equal(b.state, 'active'));
    const afterFailover = await enqueue(50, 200);
    await expectEventually(() => assert.equal(second.messages.length, 50));
    assert.deepEqual(
      second.messages.map((message) => message.messageId),
      afterFailover,
    );
    assert.equal(first.messages.length, 200, 'nothing published twice without a crash');
    assert.equal(shared.maxInFlight, 1, 'never two publishes at once');
  });

  void it('takes over from a relay whose database session dies', async () => {
    const first = new RecordingPublisher();
    const second = new RecordingPublisher();
    const a = relay(first, { applicationName: 'outbox-relay-victim' });
    await expectEventually(() => assert.equal(a.state, 'active'));
    const b = relay(second);
    await expectEventually(() => assert.equal(b.state, 'standby'));
    await db.dataSource.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'outbox-relay-victim'",
    );
    await expectEventually(() => assert.equal(b.state, 'active'));
    await enqueue(5);
    await expectEventually(async () => assert.equal(await unpublished(), 0));
    // The victim reconnects as standby.
    await expectEventually(() => assert.equal(a.state, 'standby'));
  });

  void it('retries a failed publish with the same batch: no gap, no reordering', async () => {
    const ids = await enqueue(30);
    const publisher = new RecordingPublisher();
    publisher.failNext = 3;
    const registry = new Registry();
    relay(publisher, { batchSize: 10, metrics: prometheusOutboxMetrics(registry) });
    await expectEventually(async () => assert.equal(await unpublished(), 0));
    assert.deepEqual(
      publisher.messages.map((message) => message.messageId),
      ids,
    );
    const text = await registry.metrics();
    assert.match(text, new RegExp(`tradewind_outbox_published_total\\{schema="${db.schema}"\\} 30`));
    assert.match(text, new RegExp(`tradewind_outbox_publish_failures_total\\{schema="${db.schema}"\\} 3`));
    assert.match(text, new RegExp(`tradewind_outbox_pending_messages\\{schema="${db.schema}"\\} 0`));
  });

  void it('reports pending rows through a callback while the publisher is stuck', async () => {
    await enqueue(25);
    const pending: number[] = [];
    const publisher = new RecordingPublisher();
    publisher.failNext = Number.MAX_SAFE_INTEGER;
    relay(publisher, {
      metrics: { pending: (_schema, count) => pending.push(count), published: () => undefined },
    });
    await expectEventually(() => assert.ok(pending.includes(25)));
    publisher.failNext = 0;
    await expectEventually(() => assert.equal(pending[pending.length - 1], 0));
  });

  void it('purges published rows older than the retention, never unpublished ones', async () => {
    await enqueue(10);
    await db.dataSource.query(
      "UPDATE outbox_message SET published_at = now() - interval '8 days' WHERE (value->>'n')::int < 4",
    );
    await db.dataSource.query(
      "UPDATE outbox_message SET published_at = now() WHERE (value->>'n')::int BETWEEN 4 AND 6",
    );
    await db.dataSource.query("UPDATE outbox_message SET created_at = now() - interval '30 days'");
    assert.equal(await purgePublishedOutbox(db.dataSource, { olderThanMs: 7 * 86_400_000 }), 4);
    const left = await db.dataSource.query<{ n: number; published: boolean }[]>(
      "SELECT (value->>'n')::int AS n, published_at IS NOT NULL AS published FROM outbox_message ORDER BY id",
    );
    assert.deepEqual(
      left.map((row) => row.n),
      [4, 5, 6, 7, 8, 9],
    );
  });

  void it('purges on its own schedule while active', async () => {
    await enqueue(5);
    const publisher = new RecordingPublisher();
    relay(publisher, { cleanup: { retentionMs: 0, intervalMs: 50 }, pollIntervalMs: 50 });
    await expectEventually(async () => {
      const [{ n }] = await db.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM outbox_message',
      );
      assert.equal(n, 0);
    });
    assert.equal(publisher.messages.length, 5);
    await waitForQuiescence(() => publisher.messages.length, { quietMs: 300 });
  });
});
