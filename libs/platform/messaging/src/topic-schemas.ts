import { MessagingErrorCode, MessagingException } from './messaging.exception';

/** Where the producer and consumers find each topic's value subject and schema (from @tradewind/contracts). */
export interface TopicSchemas {
  valueSchema(topic: string): { subject: string; schema: object };
}

export interface CatalogEntryLike {
  subject: string;
  valueSchema: object;
}

/** Builds TopicSchemas from the generated TOPIC_CATALOG (topic → { subject, valueSchema }). */
export function topicSchemasFrom(catalog: Record<string, CatalogEntryLike>): TopicSchemas {
  return {
    valueSchema(topic) {
      const entry = catalog[topic];
      if (!entry) {
        throw new MessagingException(
          MessagingErrorCode.UnknownTopic,
          `${topic} is not in the topic catalog (schemas/topics.yaml)`,
        );
      }
      return { subject: entry.subject, schema: entry.valueSchema };
    },
  };
}
