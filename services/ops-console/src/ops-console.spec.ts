// The handler under the consumer runner on the in-memory transport: no broker, no database.
// ops-console.itest.ts runs the same against the real Kafka, registry and PostgreSQL.
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

import { OpsConsoleMetrics } from './ops-console.metrics';
import { OpsExceptionsConsumer, type OpsExceptionsValue } from './received/ops-exceptions.consumer';
import { InMemoryReceivedRecords } from './received/received-records.repository';

const GROUP = 'ops-console.ops.exceptions';
const running: ConsumerRunner<OpsExceptionsValue>[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((runner) => runner.stop()));
});

async function start() {
  const transport = new InMemoryTransport();
  transport.createTopic(TOPICS.opsExceptions, 2);
  const received = new InMemoryReceivedRecords();
  const consumer = new OpsExceptionsConsumer(received, new OpsConsoleMetrics());
  const runner = new ConsumerRunner<OpsExceptionsValue>({
    transport,
    decoder: jsonDecoder<OpsExceptionsValue>(),
    parked: new InMemoryParkedRecordStore(),
    groupId: GROUP,
    topic: TOPICS.opsExceptions,
    handler: (record) => consumer.handle(record),
  });
  await runner.start();
  running.push(runner);
  // The handler reads the key and headers only; give it a real value when it reads the value.
  const send = (key: string, messageId: string) =>
    transport.produce(TOPICS.opsExceptions, jsonRecord(key, {}, { [HEADER.messageId]: messageId }));
  const committed = () =>
    [0, 1].reduce(
      (sum, partition) => sum + transport.committedOffset(GROUP, TOPICS.opsExceptions, partition),
      0,
    );
  return { transport, received, send, committed };
}

describe('ops-console: the ops.exceptions handler', () => {
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
