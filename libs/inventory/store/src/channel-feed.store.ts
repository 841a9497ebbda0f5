// Channel stock feeds (decision 0021): per channel and SKU, the quantity the channel should show now
// (`wanted`, written in the transaction that changed the stock, so any number of changes between two
// feed documents coalesce into one row) and the last quantity published to it (`published`, the
// compare-and-set value of the next push). A row whose two differ is due; a channel's feed is published at
// most once per its interval, claimed in `channel_feed_runs` so two replicas never both publish.
import type { EntityManager } from 'typeorm';

import { updateReturning } from './stock-level';

export interface FeedPosition {
  channelId: string;
  sku: string;
  /** What the channel should show now. */
  wanted: number;
  /** The availability sequence `wanted` was computed at (a lower one never overwrites it). */
  sequence: number;
  /** The last quantity published to the channel; null before the first. */
  published: number | null;
  /** When `wanted` last changed (epoch ms): a feed's latency starts here. */
  wantedAt: number;
}

interface PositionRow {
  channel_id: string;
  sku: string;
  wanted: string;
  wanted_sequence: string;
  published: string | null;
  wanted_at: Date;
}

const toPosition = (r: PositionRow): FeedPosition => ({
  channelId: r.channel_id,
  sku: r.sku,
  wanted: Number(r.wanted),
  sequence: Number(r.wanted_sequence),
  published: r.published === null ? null : Number(r.published),
  wantedAt: r.wanted_at.getTime(),
});

export class ChannelFeedStore {
  /**
   * The channel's quantity of a SKU as of an availability `sequence`, in the caller's transaction (the one
   * that changed the stock). An older sequence changes nothing; the same quantity keeps its `wantedAt`.
   */
  async want(
    manager: EntityManager,
    channelId: string,
    sku: string,
    quantity: number,
    sequence: number,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO channel_feed_positions (channel_id, sku, wanted, wanted_sequence, wanted_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (channel_id, sku) DO UPDATE
         SET wanted = EXCLUDED.wanted, wanted_sequence = EXCLUDED.wanted_sequence,
             wanted_at = CASE WHEN channel_feed_positions.wanted = EXCLUDED.wanted
                              THEN channel_feed_positions.wanted_at ELSE EXCLUDED.wanted_at END
       WHERE EXCLUDED.wanted_sequence >= channel_feed_positions.wanted_sequence`,
      [channelId, sku, quantity, sequence, now],
    );
  }

  /**
   * Claims the channel's next feed run if its interval has passed since the last one; returns the run's
   * number (1, 2, …) or undefined. The row lock of the upsert makes two replicas' claims exclusive.
   */
  async claimRun(
    manager: EntityManager,
    channelId: string,
    everyMs: number,
    now: Date,
  ): Promise<number | undefined> {
    const rows = await manager.query<{ documents: string }[]>(
      `INSERT INTO channel_feed_runs (channel_id, published_at, documents) VALUES ($1, $2, 1)
       ON CONFLICT (channel_id) DO UPDATE SET published_at = EXCLUDED.published_at,
                                             documents = channel_feed_runs.documents + 1
       WHERE channel_feed_runs.published_at <= $2::timestamptz - make_interval(secs => $3::float8 / 1000)
       RETURNING documents`,
      [channelId, now, everyMs],
    );
    return rows.length === 0 ? undefined : Number(rows[0].documents);
  }

  /** Whether the channel has rows due (cheap check before claiming a run). */
  async hasDue(manager: EntityManager, channelId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM channel_feed_positions
        WHERE channel_id = $1 AND published IS DISTINCT FROM wanted LIMIT 1`,
      [channelId],
    );
    return rows.length > 0;
  }

  /** The channel's due rows, oldest change first, locked (others skip them) until the caller commits. */
  async takeDue(manager: EntityManager, channelId: string, limit: number): Promise<FeedPosition[]> {
    const rows = await manager.query<PositionRow[]>(
      `SELECT channel_id, sku, wanted, wanted_sequence, published, wanted_at FROM channel_feed_positions
        WHERE channel_id = $1 AND published IS DISTINCT FROM wanted
        ORDER BY wanted_at, sku LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [channelId, limit],
    );
    return rows.map(toPosition);
  }

  /** The quantities now in a document: they become the next push's compare-and-set values. */
  async markPublished(manager: EntityManager, positions: readonly FeedPosition[], now: Date): Promise<void> {
    for (const p of positions) {
      await manager.query(
        `UPDATE channel_feed_positions SET published = $3, published_sequence = $4, published_at = $5
          WHERE channel_id = $1 AND sku = $2`,
        [p.channelId, p.sku, p.wanted, p.sequence, now],
      );
    }
  }

  /** Keeps what a published document carried, for its delivery outcome. */
  async recordDocument(
    manager: EntityManager,
    outboundId: string,
    channelId: string,
    positions: readonly FeedPosition[],
    now: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO channel_feed_documents (outbound_id, channel_id, items, published_at) VALUES ($1, $2, $3, $4)`,
      [
        outboundId,
        channelId,
        JSON.stringify(positions.map((p) => ({ sku: p.sku, quantity: p.wanted, sequence: p.sequence }))),
        now,
      ],
    );
  }

  /**
   * partner-delivery's final outcome for a feed document. Delivered: its quantities are what the channel
   * holds (`acknowledged`, never older than one already acknowledged). Given up (dead-lettered,
   * unroutable): the channel kept what it acknowledged, so each SKU whose latest publication was this
   * document is due again — the next run sends the current value once, compared with the acknowledged one.
   * Returns the SKUs it changed; an unknown or already settled document changes nothing.
   */
  async settleDocument(
    manager: EntityManager,
    outboundId: string,
    outcome: 'delivered' | 'given-up',
  ): Promise<string[]> {
    const [document] = await updateReturning<{
      channel_id: string;
      items: { sku: string; quantity: number; sequence: number }[];
    }>(
      manager,
      `UPDATE channel_feed_documents SET outcome = $2 WHERE outbound_id = $1 AND outcome IS NULL
       RETURNING channel_id, items`,
      [outboundId, outcome],
    );
    if (document === undefined) return [];
    const changed: string[] = [];
    for (const item of document.items) {
      const rows = await updateReturning<{ sku: string }>(
        manager,
        outcome === 'delivered'
          ? `UPDATE channel_feed_positions SET acknowledged = $3, acknowledged_sequence = $4
              WHERE channel_id = $1 AND sku = $2
                AND (acknowledged_sequence IS NULL OR acknowledged_sequence < $4) RETURNING sku`
          : `UPDATE channel_feed_positions SET published = acknowledged, published_sequence = acknowledged_sequence
              WHERE channel_id = $1 AND sku = $2 AND published_sequence = $3 RETURNING sku`,
        outcome === 'delivered'
          ? [document.channel_id, item.sku, item.quantity, item.sequence]
          : [document.channel_id, item.sku, item.sequence],
      );
      if (rows.length > 0) changed.push(item.sku);
    }
    return changed;
  }

  async positionsOf(manager: EntityManager, channelId: string): Promise<FeedPosition[]> {
    const rows = await manager.query<PositionRow[]>(
      `SELECT channel_id, sku, wanted, wanted_sequence, published, wanted_at FROM channel_feed_positions
        WHERE channel_id = $1 ORDER BY sku`,
      [channelId],
    );
    return rows.map(toPosition);
  }
}
