// A schema change as it happens in production: producers and consumers on different schema versions
// exchange records through the real registry (Confluent wire format) and the real broker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { COMPATIBILITY, SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { expectEventually, testStack, uniqueName } from '@tradewind/testing';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';

import { RegistryClient } from './registry-client';

const V1 = {
  type: 'record' as const,
  name: 'Parcel',
  namespace: 'io.tradewind.test',
  fields: [
    { name: 'parcelId', type: 'string' },
    { name: 'weightGrams', type: 'long' },
  ],
};

// v2 adds an optional field with a default: BACKWARD (new readers fill the default for old records)
// and FORWARD (old readers skip the new field) compatible.
const V2 = {
  ...V1,
  fields: [...V1.fields, { name: 'carrier', type: 'string', default: 'unassigned' }],
};

void describe('schema evolution through the registry and Kafka', () => {
  const stack = testStack();
  const topic = uniqueName('schemas_evolution');
  const subject = `${topic}-value`;
  const kafka = new Kafka({
    clientId: 'schemas-evolution-itest',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const registry = new SchemaRegistry({ host: stack.registryUrl });
  const registryAdmin = new RegistryClient(stack.registryUrl);
  const received = new Map<string, Buffer>();
  let producer: Producer;
  let consumer: Consumer;
  let v1Id: number;
  let v2Id: number;

  before(async () => {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
    });
    // As `schemas register` does: the subject's level pinned before the first version.
    await registryAdmin.setSubjectCompatibility(subject, 'BACKWARD_TRANSITIVE');
    const options = { subject, compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE };
    ({ id: v1Id } = await registry.register(V1, options));
    ({ id: v2Id } = await registry.register(V2, options));

    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: uniqueName('schemas_evolution') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.key && message.value) received.set(message.key.toString(), message.value);
        return Promise.resolve();
      },
    });
  });

  after(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await registryAdmin.deleteSubject(subject);
  });

  const produce = async (key: string, schemaId: number, value: object): Promise<Buffer> => {
    await producer.send({ topic, messages: [{ key, value: await registry.encode(schemaId, value) }] });
    return expectEventually(
      () => {
        const buffer = received.get(key);
        assert.ok(buffer, `record ${key} not consumed yet`);
        return buffer;
      },
      { description: `record ${key} consumed` },
    );
  };

  void it('registers v1 and v2 as two versions of one subject', async () => {
    assert.notEqual(v1Id, v2Id);
    assert.deepEqual(await registryAdmin.listVersions(subject), [1, 2]);
    assert.equal(await registry.getLatestSchemaId(subject), v2Id);
  });

  void it('a v1 producer and a v2 consumer exchange records: the default fills the new field', async () => {
    const buffer = await produce('parcel-v1', v1Id, { parcelId: 'P-1', weightGrams: 1200 });
    // Confluent wire format: magic byte 0, then the writer's schema id.
    assert.equal(buffer.readUInt8(0), 0);
    assert.equal(buffer.readInt32BE(1), v1Id);
    const decoded: unknown = await registry.decode(buffer, { AVRO: { readerSchema: V2 } });
    assert.deepEqual(
      { ...(decoded as object) },
      { parcelId: 'P-1', weightGrams: 1200, carrier: 'unassigned' },
    );
  });

  void it('a v2 producer and a v1 consumer exchange records: the old reader skips the new field (FORWARD)', async () => {
    const buffer = await produce('parcel-v2', v2Id, { parcelId: 'P-2', weightGrams: 800, carrier: 'dhl' });
    assert.equal(buffer.readInt32BE(1), v2Id);
    const decoded: unknown = await registry.decode(buffer, { AVRO: { readerSchema: V1 } });
    assert.deepEqual({ ...(decoded as object) }, { parcelId: 'P-2', weightGrams: 800 });
  });
});
