// The record an exception points at (topic, partition, offset), read from Kafka once and kept: the
// partner's original document of a lineage. A short-lived consumer seeks to the offset; its group is
// deleted afterwards. A record past the topic's retention is reported as gone, not as an error.
import { randomUUID } from 'node:crypto';

import { AvroSerde, decodeHeaders } from '@tradewind/messaging';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';

import { ConsoleErrorCode, ConsoleException } from '../ops-console.exception';
import type { SourceRecordView, ViewsRepository } from '../store/views.repository';

const FETCH_TIMEOUT_MS = 20_000;

/** Buffers (Avro bytes fields such as a document's payload) as text when they are UTF-8, else base64. */
export function displayable(value: unknown): unknown {
  if (Buffer.isBuffer(value)) {
    const text = value.toString('utf8');
    return Buffer.from(text, 'utf8').equals(value) ? text : { base64: value.toString('base64') };
  }
  if (Array.isArray(value)) return value.map(displayable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, displayable(v)]));
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

export class SourceRecordsReader {
  constructor(
    private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly dataSource: DataSource,
    private readonly views: ViewsRepository,
    private readonly clientName: string,
  ) {}

  async read(at: {
    topic: string;
    partition: number;
    offset: string;
  }): Promise<SourceRecordView | undefined> {
    if (at.partition < 0 || !/^\d+$/.test(at.offset)) return undefined;
    const kept = await this.views.sourceRecord(this.dataSource.manager, at);
    if (kept !== undefined) return kept;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(at.topic).catch(() => []);
      const range = offsets.find((o) => o.partition === at.partition);
      if (
        range === undefined ||
        BigInt(at.offset) < BigInt(range.low) ||
        BigInt(at.offset) >= BigInt(range.high)
      ) {
        return undefined;
      }
    } finally {
      await admin.disconnect();
    }
    const groupId = `${this.clientName}.lineage.${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      const record = await new Promise<SourceRecordView>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new ConsoleException(ConsoleErrorCode.Unavailable, `${at.topic} did not answer in time`)),
          FETCH_TIMEOUT_MS,
        );
        const start = async (): Promise<void> => {
          await consumer.subscribe({ topic: at.topic, fromBeginning: false });
          await consumer.run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              if (partition !== at.partition || message.offset !== at.offset) return;
              clearTimeout(timer);
              const decoded =
                message.value === null ? null : (await this.serde.decode<unknown>(message.value)).value;
              resolve({
                topic: at.topic,
                partition,
                offset: message.offset,
                key: message.key?.toString('utf8') ?? null,
                value: displayable(decoded),
                headers: decodeHeaders(message.headers),
              });
            },
          });
          consumer.seek({ topic: at.topic, partition: at.partition, offset: at.offset });
        };
        start().catch(reject);
      });
      await this.views.addSourceRecord(this.dataSource.manager, record);
      return record;
    } finally {
      await consumer.disconnect();
      const cleanup = this.kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => undefined);
      await cleanup.disconnect();
    }
  }
}
