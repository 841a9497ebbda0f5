// inventory-sync's message handling without NestJS or Kafka: each consumed record is one transaction
// with its inbox mark, the store's change and the records it causes (reply, availability) in the outbox.
// The service's consumers call it; benchmarks and itests use it as it is.
import {
  HEADER,
  type ReservationRelease,
  type ReservationRequest,
  type StockEvent,
  TOPICS,
} from '@tradewind/contracts';
import type { StockEventVerdict } from '@tradewind/inventory-domain';
import {
  type Inbox,
  type OutboxEnqueueRequest,
  type OutboxWriter,
  withTransaction,
} from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import { channelAvailability, type ChannelFeed, warehouseAvailability } from './availability.mapper';
import type { ChannelFeedStore } from './channel-feed.store';
import type { ReservationStore } from './reservation.store';
import type { StockLedgerStore } from './stock-ledger.store';
import type { StockLevelRecord } from './stock-level';

export interface InventorySyncCoreOptions {
  /** Consumer group per topic: the inbox keys a record by group and message id. */
  groupOf: (topic: string) => string;
  /** Channel partners with an allocation rule (from the catalog): each gets a channel availability. */
  channels: () => ReadonlyMap<string, ChannelFeed>;
  /** Channel stock feeds: each channel's new quantity is recorded with the change (decision 0021). */
  feeds?: ChannelFeedStore;
  /** Transactions retried on deadlock or serialization failure (default 5). */
  maxAttempts?: number;
}

/** `redelivered`: the inbox had the record already, nothing changed. */
export type HandledOutcome = 'handled' | 'redelivered';

/** A stock event's fate: the ledger's verdict (applied, stale, duplicate event id) or an inbox redelivery. */
export type StockEventOutcome = StockEventVerdict | 'redelivered';

export class InventorySyncCore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly outbox: OutboxWriter,
    private readonly reservations: ReservationStore,
    private readonly ledger: StockLedgerStore,
    private readonly options: InventorySyncCoreOptions,
  ) {}

  /** inventory.reservation-requests → the lines decided; the reply once the order is complete. */
  async onReservationRequest(
    request: ReservationRequest,
    headers: Record<string, string>,
  ): Promise<HandledOutcome> {
    return this.once(
      TOPICS.inventoryReservationRequests,
      headers,
      request.requestId,
      async (manager, now) => {
        const result = await this.reservations.reserve(manager, request, now);
        const messages: OutboxEnqueueRequest[] = [];
        if (result.reply !== undefined) {
          messages.push({
            topic: TOPICS.inventoryReservationReplies,
            key: result.reply.orderId,
            value: result.reply,
            headers: outboxHeaders(headers, request.partnerId),
          });
        }
        messages.push(...(await this.availabilityOf(manager, request.sku, result.changedLevels, now)));
        return messages;
      },
    );
  }

  /** inventory.reservation-releases → holds ended, availability of every SKU it touched. */
  async onReservationRelease(
    release: ReservationRelease,
    headers: Record<string, string>,
  ): Promise<HandledOutcome> {
    return this.once(
      TOPICS.inventoryReservationReleases,
      headers,
      release.releaseId,
      async (manager, now) => {
        const { changedLevels } = await this.reservations.release(manager, release, now);
        return this.availabilityOfEach(manager, changedLevels, now);
      },
    );
  }

  /** inventory.stock-events → the ledger; availability when on hand moved. Stale ones are counted. */
  async onStockEvent(event: StockEvent, headers: Record<string, string>): Promise<StockEventOutcome> {
    let verdict: StockEventVerdict | undefined;
    const outcome = await this.once(
      TOPICS.inventoryStockEvents,
      headers,
      `${event.sourcePartnerId}/${event.eventId}`,
      async (manager, now) => {
        const applied = await this.ledger.apply(manager, event, now);
        verdict = applied.verdict;
        return verdict === 'applied' ? this.availabilityOf(manager, event.sku, [applied.level], now) : [];
      },
    );
    return outcome === 'redelivered' || verdict === undefined ? 'redelivered' : verdict;
  }

  /** Ends the channel holds whose TTL passed, one order per transaction; returns how many orders. */
  async expireDue(now = new Date(), limit = 100): Promise<number> {
    const due = await this.reservations.ordersWithExpiredHolds(this.dataSource.manager, now, limit);
    for (const orderId of due) {
      await withTransaction(
        this.dataSource,
        async (manager) => {
          const { changedLevels } = await this.reservations.expireHolds(manager, orderId, now);
          const messages = await this.availabilityOfEach(manager, changedLevels, now);
          if (messages.length > 0) await this.outbox.enqueueAll(manager, messages);
        },
        { maxAttempts: this.options.maxAttempts ?? 5 },
      );
    }
    return due.length;
  }

  private async once(
    topic: string,
    headers: Record<string, string>,
    fallbackId: string,
    work: (manager: EntityManager, now: Date) => Promise<OutboxEnqueueRequest[]>,
  ): Promise<HandledOutcome> {
    const messageId = headers[HEADER.messageId] ?? `${topic}:${fallbackId}`;
    const ran = await withTransaction(
      this.dataSource,
      (manager) =>
        this.inbox.runOnce(manager, { consumerGroup: this.options.groupOf(topic), messageId }, async () => {
          const messages = await work(manager, new Date());
          if (messages.length > 0) await this.outbox.enqueueAll(manager, messages);
        }),
      { maxAttempts: this.options.maxAttempts ?? 5 },
    );
    return ran ? 'handled' : 'redelivered';
  }

  private async availabilityOfEach(
    manager: EntityManager,
    changed: readonly StockLevelRecord[],
    now: Date,
  ): Promise<OutboxEnqueueRequest[]> {
    const bySku = new Map<string, StockLevelRecord[]>();
    for (const level of changed) bySku.set(level.sku, [...(bySku.get(level.sku) ?? []), level]);
    const messages: OutboxEnqueueRequest[] = [];
    for (const [sku, levels] of bySku)
      messages.push(...(await this.availabilityOf(manager, sku, levels, now)));
    return messages;
  }

  /** The changed warehouses' records and every channel's record for the SKU (rows read under the lock). */
  private async availabilityOf(
    manager: EntityManager,
    sku: string,
    changed: readonly StockLevelRecord[],
    now: Date,
  ): Promise<OutboxEnqueueRequest[]> {
    if (changed.length === 0) return [];
    const records = changed.map((level) => warehouseAvailability(level, now));
    const channels = this.options.channels();
    if (channels.size > 0) {
      const levels = await this.ledger.levelsOf(manager, sku);
      for (const [channelId, rule] of channels) {
        const record = channelAvailability(sku, levels, channelId, rule, now);
        records.push(record);
        // Under the SKU's row locks: the feed's rows of one SKU change in the stock's order.
        await this.options.feeds?.want(
          manager,
          channelId,
          sku,
          record.value.channelQuantity ?? 0,
          record.value.sequence,
          now,
        );
      }
    }
    return records.map(({ key, value }) => ({ topic: TOPICS.inventoryAvailability, key, value }));
  }
}

/** The relay publishes outside the consumer's context: the exchange's ids travel in the outbox row. */
function outboxHeaders(consumed: Record<string, string>, partnerId: string): Record<string, string> {
  const headers: Record<string, string> = { [HEADER.partnerId]: partnerId };
  const correlationId = consumed[HEADER.correlationId];
  if (correlationId !== undefined) headers[HEADER.correlationId] = correlationId;
  const messageId = consumed[HEADER.messageId];
  if (messageId !== undefined) headers[HEADER.causationId] = messageId;
  return headers;
}
