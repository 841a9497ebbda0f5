// Channel stock feeds onto partners.outbound (decision 0021): every tick, for each channel partner with an
// outbound stock-feed, if its catalog interval has passed and some SKU's channel quantity differs from the
// one last published, one document per format (JSON push, CSV file) with those SKUs, each with its new
// quantity and the last one sent (compare-and-set). Changes between two documents coalesce in
// channel_feed_positions, so a channel never receives a queue of stale values: after any pause (the
// feed's, the outbox relay's, Kafka's) it gets the current value once. partner-delivery delivers them.
import {
  assertUnreachable,
  DeliveryOutcome,
  DocumentFormat,
  HEADER,
  type OutboundDocument,
  TOPICS,
} from '@tradewind/contracts';
import type { ChannelFeedStore, FeedPosition } from '@tradewind/inventory-store';
import { type PartnerCatalog, STOCK_FEED_DOCUMENT_TYPE } from '@tradewind/partner-catalog';
import { buildCsvStockFeed, buildJsonStockFeed, type StockFeed } from '@tradewind/partner-documents';
import { type OutboxEnqueueRequest, type OutboxWriter, withTransaction } from '@tradewind/persistence';
import type { DataSource } from 'typeorm';

import { seededUuid } from '../seeded-uuid';

export interface PublishedFeed {
  channelId: string;
  feedId: string;
  formats: DocumentFormat[];
  items: FeedPosition[];
}

const CONTENT_TYPE = { json: 'application/json', csv: 'text/csv; charset=utf-8' } as const;

export class ChannelFeedPublisher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly store: ChannelFeedStore,
    private readonly catalog: PartnerCatalog,
  ) {}

  /** One pass over the channels; the feeds it published. */
  async publishDue(now = new Date()): Promise<PublishedFeed[]> {
    const published: PublishedFeed[] = [];
    for (const partner of this.catalog.channelPartners()) {
      const terms = this.catalog.feedTerms(partner.id);
      const formats = terms.formats.flatMap((f) =>
        f === 'json' ? [DocumentFormat.Json] : f === 'csv' ? [DocumentFormat.Csv] : [],
      );
      if (formats.length === 0) continue;
      const feed = await withTransaction(
        this.dataSource,
        async (manager): Promise<PublishedFeed | undefined> => {
          if (!(await this.store.hasDue(manager, partner.id))) return undefined;
          const run = await this.store.claimRun(manager, partner.id, terms.everyMs, now);
          if (run === undefined) return undefined;
          const due = await this.store.takeDue(manager, partner.id, terms.maxItems);
          if (due.length === 0) return undefined;
          const feedId = `${STOCK_FEED_DOCUMENT_TYPE}/${partner.id}/${run}`;
          const document: StockFeed = {
            feedId,
            channelId: partner.id,
            generatedAt: now,
            items: due.map((p) => ({
              sku: p.sku,
              quantity: p.wanted,
              compareQuantity: p.published,
              sequence: p.sequence,
            })),
          };
          await this.outbox.enqueueAll(
            manager,
            formats.map((format): OutboxEnqueueRequest => {
              const value: OutboundDocument = {
                outboundId: `${feedId}/${format}`,
                partnerId: partner.id,
                documentType: STOCK_FEED_DOCUMENT_TYPE,
                format,
                contentType: format === DocumentFormat.Json ? CONTENT_TYPE.json : CONTENT_TYPE.csv,
                relatesTo: [],
                payload: Buffer.from(
                  format === DocumentFormat.Json ? buildJsonStockFeed(document) : buildCsvStockFeed(document),
                  'utf8',
                ),
                createdAt: now.getTime(),
                // A channel's feed documents arrive in the order published: each one's compareQuantity is
                // the quantity the one before set (per channel, so per channel and SKU too).
                orderingKey: `${STOCK_FEED_DOCUMENT_TYPE}/${partner.id}/${format}`,
              };
              return {
                topic: TOPICS.partnersOutbound,
                key: partner.id,
                value,
                headers: { [HEADER.partnerId]: partner.id },
                // A feed run is published once: a second enqueue of its id fails the transaction.
                messageId: seededUuid(value.outboundId),
              };
            }),
          );
          for (const format of formats)
            await this.store.recordDocument(manager, `${feedId}/${format}`, partner.id, due, now);
          await this.store.markPublished(manager, due, now);
          return { channelId: partner.id, feedId, formats, items: due };
        },
        { maxAttempts: 5 },
      );
      if (feed !== undefined) published.push(feed);
    }
    return published;
  }
}

/** What partner-delivery's outcome for a stock-feed document does to the channel's positions. */
export function feedSettlement(outcome: DeliveryOutcome): 'delivered' | 'given-up' | undefined {
  switch (outcome) {
    case DeliveryOutcome.Delivered:
      return 'delivered';
    case DeliveryOutcome.DeadLettered:
    case DeliveryOutcome.Unroutable:
      return 'given-up';
    // Another attempt follows; an outcome this build does not know settles nothing.
    case DeliveryOutcome.Failed:
    case DeliveryOutcome.Unknown:
      return undefined;
    default:
      return assertUnreachable(outcome);
  }
}
