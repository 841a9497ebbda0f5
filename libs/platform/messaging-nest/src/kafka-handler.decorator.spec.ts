// The decorator ties a handler's payload to its topic: the `@ts-expect-error` lines below fail
// `./tradewind typecheck` the day a wrong payload compiles again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type AuditEvent, type OpsException, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import type { ConsumedRecord, TypedProducer } from '@tradewind/messaging';

import { KAFKA_HANDLER, KafkaHandler, type KafkaHandlerMetadata } from './kafka-handler.decorator';
import { KafkaHandlers } from './kafka-handlers.registry';

class AuditHandlers {
  @KafkaHandler(TOPICS.opsAudit, { settings: 'audit' })
  onAudit(_record: ConsumedRecord<AuditEvent>): Promise<void> {
    return Promise.resolve();
  }

  // @ts-expect-error ops.audit carries AuditEvent, not OpsException
  @KafkaHandler(TOPICS.opsAudit, { settings: 'audit' })
  onWrongPayload(_record: ConsumedRecord<OpsException>): Promise<void> {
    return Promise.resolve();
  }

  // @ts-expect-error a handler returns a promise (the runner waits for it before committing)
  @KafkaHandler(TOPICS.opsAudit, { settings: 'audit' })
  onSynchronous(_record: ConsumedRecord<AuditEvent>): void {}
}

describe('@KafkaHandler', () => {
  it('records the topic and the settings section of the method', () => {
    const method = Object.getOwnPropertyDescriptor(AuditHandlers.prototype, 'onAudit')?.value as object;
    const metadata = Reflect.getMetadata(KAFKA_HANDLER, method) as KafkaHandlerMetadata;
    assert.deepEqual(metadata, { topic: TOPICS.opsAudit, settings: 'audit' });
  });

  it('types programmatic registrations and the producer by topic as well', () => {
    const handlers = new KafkaHandlers();
    handlers.register({
      topic: TOPICS.opsExceptions,
      settings: 'exceptions',
      handler: (record) => Promise.resolve(void record.value.exceptionId),
    });
    handlers.register({
      topic: TOPICS.opsExceptions,
      settings: 'exceptions',
      // @ts-expect-error ops.exceptions carries OpsException, which has no auditId
      handler: (record) => Promise.resolve(void record.value.auditId),
    });
    const send = (producer: TypedProducer<TopicValueMap>, event: AuditEvent) => [
      producer.send(TOPICS.opsAudit, [{ key: 'p', value: event }]),
      // @ts-expect-error ops.exceptions does not take an AuditEvent
      producer.send(TOPICS.opsExceptions, [{ key: 'p', value: event }]),
    ];
    assert.equal(typeof send, 'function');
    assert.equal(handlers.seal().length, 2);
    assert.throws(
      () => handlers.register({ topic: TOPICS.opsAudit, settings: 'late', handler: () => Promise.resolve() }),
      /registered after the consumers started/,
    );
  });
});
