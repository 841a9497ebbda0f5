// The handler under the consumer runner on the in-memory transport: no broker, no database.
// partner-delivery.itest.ts runs the same against the real Kafka, registry and PostgreSQL.
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

import { PartnerDeliveryMetrics } from './partner-delivery.metrics';
import { PartnersOutboundConsumer, type PartnersOutboundValue } from './received/partners-outbound.consumer';
import { InMemoryReceivedRecords } from './received/received-records.repository';

const GROUP = 'partner-delivery.partners.outbound';
const running: ConsumerRunner<PartnersOutboundValue>[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((runner) => runner.stop()));
});

async function start() {
  const transport = new InMemoryTransport();
  transport.createTopic(TOPICS.partnersOutbound, 2);
  const received = new InMemoryReceivedRecords();
  const consumer = new PartnersOutboundConsumer(received, new PartnerDeliveryMetrics());
  const runner = new ConsumerRunner<PartnersOutboundValue>({
    transport,
    decoder: jsonDecoder<PartnersOutboundValue>(),
    parked: new InMemoryParkedRecordStore(),
    groupId: GROUP,
    topic: TOPICS.partnersOutbound,
    handler: (record) => consumer.handle(record),
  });
  await runner.start();
  running.push(runner);
  // The handler reads the key and headers only; give it a real value when it reads the value.
  const send = (key: string, messageId: string) =>
    transport.produce(TOPICS.partnersOutbound, jsonRecord(key, {}, { [HEADER.messageId]: messageId }));
  const committed = () =>
    [0, 1].reduce(
      (sum, partition) => sum + transport.committedOffset(GROUP, TOPICS.partnersOutbound, partition),
      0,
    );
  return { transport, received, send, committed };
}

describe('partner-delivery: the partners.outbound handler', () => {
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
