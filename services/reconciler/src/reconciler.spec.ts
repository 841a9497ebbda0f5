// The handler under the consumer runner on the in-memory transport: no broker, no database.
// reconciler.itest.ts runs the same against the real Kafka, registry and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { TOPICS } from '@tradewind/contracts';
import {
  ConsumerRunner,
  HEADER,
  InMemoryParkedRecordStore,
  InMemoryTransport,
  jsonDecoder,
  jsonRecord,
} from '@tradewind/messaging';
import { expectEventually } from '@tradewind/testing';

import { OrdersStateConsumer, type OrdersStateValue } from './received/orders-state.consumer';
import { InMemoryReceivedRecords } from './received/received-records.repository';
import { ReconcilerMetrics } from './reconciler.metrics';

const GROUP = 'reconciler.orders.state';
const running: ConsumerRunner<OrdersStateValue>[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((runner) => runner.stop()));
});

async function start() {
  const transport = new InMemoryTransport();
  transport.createTopic(TOPICS.ordersState, 2);
  const received = new InMemoryReceivedRecords();
  const consumer = new OrdersStateConsumer(received, new ReconcilerMetrics());
  const runner = new ConsumerRunner<OrdersStateValue>({
    transport,
    decoder: jsonDecoder<OrdersStateValue>(),
    parked: new InMemoryParkedRecordStore(),
    groupId: GROUP,
    topic: TOPICS.ordersState,
    handler: (record) => consumer.handle(record),
  });
  await runner.start();
  running.push(runner);
  // The handler reads the key and headers only; give it a real value when it reads the value.
  const send = (key: string, messageId: string) =>
    transport.produce(TOPICS.ordersState, jsonRecord(key, {}, { [HEADER.messageId]: messageId }));
  const committed = () =>
    [0, 1].reduce(
      (sum, partition) => sum + transport.committedOffset(GROUP, TOPICS.ordersState, partition),
      0,
    );
  return { transport, received, send, committed };
}

describe('reconciler: the orders.state handler', () => {
  it('stores each record once, however often it is delivered, and commits every one', async () => {
    const h = await start();
    h.send('k-1', 'm-1');
    h.send('k-2', 'm-2');
    h.send('k-1', 'm-1');

    await expectEventually(() => assert.equal(h.committed(), 3), { timeoutMs: 5_000 });
    assert.deepEqual([...h.received.records.keys()].sort(), ['m-1', 'm-2']);
    assert.equal(h.received.records.get('m-2')?.key, 'k-2');
    assert.equal(h.transport.exceptions.length, 0);
  });
});
