// Reads shared topics from the beginning into memory (decoded with the writer's schema from the real
// registry), so a test can look for its own records among everyone else's (partners.outbound, ops.exceptions).
import {
  type AvroSerde,
  CONSUMER_MAX_WAIT_MS,
  decodeHeaders,
  type RecordHeaders,
} from '@tradewind/messaging';
import type { Consumer, Kafka } from 'kafkajs';

export interface CollectedRecord<V = unknown> {
  topic: string;
  key: string | null;
  value: V;
  headers: RecordHeaders;
  offset: string;
  partition: number;
}

export class TopicCollector {
  readonly records: CollectedRecord[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly groupId: string,
  ) {}

  /**
   * `fromBeginning: false` reads only what is published after the group joins: for a test that publishes
   * everything it looks for itself, on a broker whose older records may not decode (a registry started anew).
   */
  async start(topics: readonly string[], options: { fromBeginning?: boolean } = {}): Promise<void> {
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: CONSUMER_MAX_WAIT_MS,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? true });
    const joined = new Promise<void>((resolve) =>
      this.consumer!.on(this.consumer!.events.GROUP_JOIN, () => resolve()),
    );
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (message.value === null) return;
        const { value } = await this.serde.decode(message.value);
        // avsc records are class instances: keep plain data.
        this.records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: JSON.parse(JSON.stringify(value, (_k, v: unknown) => bytesAsText(v))) as unknown,
          headers: decodeHeaders(message.headers),
        });
      },
    });
    await joined;
  }

  of<V>(topic: string, filter: (record: CollectedRecord<V>) => boolean = () => true): CollectedRecord<V>[] {
    return (this.records as CollectedRecord<V>[]).filter((r) => r.topic === topic && filter(r));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Buffers (Avro bytes) as UTF-8 text: the payloads tests look at are text documents. */
function bytesAsText(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') {
    return Buffer.from((value as { data: number[] }).data).toString('utf8');
  }
  return value;
}
