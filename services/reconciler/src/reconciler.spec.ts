// The handler under the consumer runner on the in-memory transport: no broker, no database.
// reconciler.itest.ts runs the same against the real Kafka, registry and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { OrderStatus, TOPICS } from '@tradewind/contracts';
import {
  ConsumerRunner,
  HEADER,
  InMemoryParkedRecordStore,
  InMemoryTransport,
  jsonDecoder,
  jsonRecord,
} from '@tradewind/messaging';
import { expectEventually } from '@tradewind/testing';

import { ReconcilerMetrics } from './reconciler.metrics';
import { orderState } from './test/order-state.fixtures';
import { InMemoryOrderViews } from './views/order-views.repository';
import { OrdersStateConsumer, type OrdersStateValue } from './views/orders-state.consumer';

const GROUP = 'reconciler.orders.state';
const running: ConsumerRunner<OrdersStateValue>[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((runner) => runner.stop()));
});

async function start() {
  const transport = new InMemoryTransport();
  transport.createTopic(TOPICS.ordersState, 2);
  const views = new InMemoryOrderViews();
  const consumer = new OrdersStateConsumer(views, new ReconcilerMetrics());
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
  const send = (value: OrdersStateValue, messageId: string) =>
    transport.produce(
      TOPICS.ordersState,
      jsonRecord(value.orderId, value, { [HEADER.messageId]: messageId }),
    );
  const committed = () =>
    [0, 1].reduce(
      (sum, partition) => sum + transport.committedOffset(GROUP, TOPICS.ordersState, partition),
      0,
    );
  return { transport, views, send, committed };
}

describe('reconciler: the orders.state handler', () => {
  it('keeps the latest version of each order and the time it was first seen, whatever the redeliveries', async () => {
    const h = await start();
    h.send(orderState('acme', 'PO-1', { version: 1, status: OrderStatus.Received, updatedAt: 1_000 }), 'm-1');
    h.send(orderState('acme', 'PO-2', { version: 1, status: OrderStatus.Received, updatedAt: 1_500 }), 'm-2');
    h.send(
      orderState('acme', 'PO-1', { version: 4, status: OrderStatus.Confirmed, updatedAt: 3_000 }),
      'm-3',
    );
    // Redelivered, and an older version arriving late: neither moves the view back.
    h.send(
      orderState('acme', 'PO-1', { version: 4, status: OrderStatus.Confirmed, updatedAt: 3_000 }),
      'm-3',
    );
    h.send(orderState('acme', 'PO-1', { version: 2, status: OrderStatus.Accepted, updatedAt: 2_000 }), 'm-4');

    await expectEventually(() => assert.equal(h.committed(), 5), { timeoutMs: 5_000 });
    const po1 = h.views.views.get('acme/PO-1');
    assert.equal(po1?.status, OrderStatus.Confirmed);
    assert.equal(po1?.version, 4);
    assert.equal(po1?.receivedAt, 1_000);
    assert.equal(h.views.views.get('acme/PO-2')?.status, OrderStatus.Received);
    assert.equal(h.transport.exceptions.length, 0);
  });
});
