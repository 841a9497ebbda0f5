// SQL over the reservation tables. Every method runs in the caller's transaction (`manager`), so the
// consumer's inbox mark and the outbox messages (reply, availability) commit with the change.
//
// Lock order, the same everywhere so two transactions never wait on each other in a cycle: the order's
// row in reservation_orders first, then stock_levels rows in (sku, warehouse_id) order.
import {
  assertUnreachable,
  ReleaseReason as Reason,
  type ReleaseReason,
  type ReservationRelease,
  type ReservationReply,
  type ReservationReplyLine,
  type ReservationRequest,
} from '@tradewind/contracts';
import { chooseWarehouse, decideLine, type LineDecision } from '@tradewind/inventory-domain';
import type { EntityManager } from 'typeorm';

import { InventoryStoreErrorCode, InventoryStoreException } from './inventory-store.exception';
import { LEVEL_COLUMNS, type LevelRow, type StockLevelRecord, toLevel, updateReturning } from './stock-level';

/** What a reservation line is now. `none`: nothing was held (refused, or backordered without stock). */
export type ReservationLineStatus = 'held' | 'none' | 'released' | 'consumed' | 'expired';

export interface ReservationLineRecord extends ReservationReplyLine {
  orderId: string;
  status: ReservationLineStatus;
  /** Units of the line that shipped (consumed); the hold is `reserved − consumed`. */
  consumed: number;
  expiresAt: Date | null;
}

export interface ReserveResult {
  /** Lines decided by this call (empty for a redelivery). */
  decided: ReservationLineRecord[];
  /** The reply for the whole order once every line is decided (again on a redelivery), else undefined. */
  reply: ReservationReply | undefined;
  /** The stock rows this call changed, after the change (for inventory.availability). */
  changedLevels: StockLevelRecord[];
}

export interface ReleaseResult {
  /** Lines whose hold ended with this call (for shipped: the lines a shipment consumed, even in part). */
  released: ReservationLineRecord[];
  changedLevels: StockLevelRecord[];
}

interface LineRow {
  order_id: string;
  line_no: number;
  sku: string;
  warehouse_id: string | null;
  requested: string;
  reserved: string;
  backordered: string;
  outcome: ReservationLineRecord['outcome'];
  status: ReservationLineStatus;
  expires_at: Date | null;
  consumed: string;
}

const LINE_COLUMNS = `order_id, line_no, sku, warehouse_id, requested, reserved, backordered, outcome, status, expires_at, consumed`;

function toLine(row: LineRow): ReservationLineRecord {
  return {
    orderId: row.order_id,
    lineNo: row.line_no,
    sku: row.sku,
    warehouseId: row.warehouse_id,
    requested: Number(row.requested),
    reserved: Number(row.reserved),
    backordered: Number(row.backordered),
    outcome: row.outcome,
    status: row.status,
    expiresAt: row.expires_at,
    consumed: Number(row.consumed),
  };
}

/** The status a held line takes when released for `reason` (shipped: consumed, see `consume`). */
function endStatus(reason: ReleaseReason): ReservationLineStatus {
  switch (reason) {
    case Reason.Rejected:
    case Reason.Cancelled:
      return 'released';
    case Reason.Shipped:
      return 'consumed';
    case Reason.Expired:
      return 'expired';
    case Reason.Unknown:
      throw new InventoryStoreException(
        InventoryStoreErrorCode.UnknownReleaseReason,
        'a release with a reason this build does not know: the units stay held',
      );
    default:
      return assertUnreachable(reason);
  }
}

export class ReservationStore {
  /**
   * Decides the lines of one order for one SKU, once: a redelivered or resent request finds its lines
   * decided and changes nothing. Each line is held whole in one warehouse or, short of stock, follows
   * the request's shortage policy.
   */
  async reserve(
    manager: EntityManager,
    request: ReservationRequest,
    now = new Date(),
  ): Promise<ReserveResult> {
    validateRequest(request);
    // Takes the order's lock: the requests of one order's SKUs (other partitions) and its releases queue here.
    const [order] = await manager.query<{ released_reason: string | null; line_count: number }[]>(
      `INSERT INTO reservation_orders (order_id, partner_id, line_count) VALUES ($1, $2, $3)
       ON CONFLICT (order_id) DO UPDATE
         SET partner_id = coalesce(reservation_orders.partner_id, EXCLUDED.partner_id),
             line_count = coalesce(reservation_orders.line_count, EXCLUDED.line_count)
       RETURNING released_reason, line_count`,
      [request.orderId, request.partnerId, request.orderLineCount],
    );
    const existing = await manager.query<{ line_no: number }[]>(
      'SELECT line_no FROM reservation_lines WHERE order_id = $1 AND line_no = ANY($2::int[])',
      [request.orderId, request.lines.map((l) => l.lineNo)],
    );
    const done = new Set(existing.map((r) => r.line_no));
    const pending = request.lines.filter((l) => !done.has(l.lineNo)).sort((a, b) => a.lineNo - b.lineNo);

    const decided: ReservationLineRecord[] = [];
    const changed = new Map<string, StockLevelRecord>();
    if (pending.length > 0) {
      const levels = (
        await manager.query<LevelRow[]>(
          `SELECT ${LEVEL_COLUMNS} FROM stock_levels WHERE sku = $1 ORDER BY warehouse_id FOR UPDATE`,
          [request.sku],
        )
      ).map(toLevel);
      const expiresAt = request.holdExpiresAt === null ? null : new Date(request.holdExpiresAt);
      for (const line of pending) {
        // An order released before its request arrived reserves nothing.
        const released = order.released_reason !== null;
        const choice = released
          ? undefined
          : chooseWarehouse(
              levels.map((l) => ({ warehouseId: l.warehouseId, available: l.available })),
              line.quantity,
            );
        const decision: LineDecision = released
          ? { outcome: 'insufficient_stock', reserved: 0, backordered: 0 }
          : decideLine(choice?.available ?? 0, line.quantity, request.shortagePolicy);
        let warehouseId: string | null = null;
        if (decision.reserved > 0 && choice !== undefined) {
          warehouseId = choice.warehouseId;
          const level = await this.raiseReserved(manager, request.sku, warehouseId, decision.reserved, now);
          levels[levels.findIndex((l) => l.warehouseId === warehouseId)] = level;
          changed.set(warehouseId, level);
        }
        const status: ReservationLineStatus = released ? 'released' : decision.reserved > 0 ? 'held' : 'none';
        // A plain INSERT: were the line decided concurrently after all, the primary key fails this
        // transaction (and its stock change) instead of holding the units twice.
        const [row] = await manager.query<LineRow[]>(
          `INSERT INTO reservation_lines (order_id, line_no, request_id, sku, warehouse_id, requested, reserved,
             backordered, outcome, status, expires_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
           RETURNING ${LINE_COLUMNS}`,
          [
            request.orderId,
            line.lineNo,
            request.requestId,
            request.sku,
            warehouseId,
            line.quantity,
            decision.reserved,
            decision.backordered,
            decision.outcome,
            status,
            decision.reserved > 0 ? expiresAt : null,
            now,
          ],
        );
        decided.push(toLine(row));
      }
    }
    return {
      decided,
      reply: await this.replyIfComplete(manager, request.orderId, request.partnerId, order.line_count, now),
      changedLevels: [...changed.values()],
    };
  }

  /**
   * Ends the holds of an order's lines (every line when `lineNos` is empty): the units return to
   * available (what already shipped stays consumed), or, for `shipped`, are consumed (`consume`). A
   * whole-order release also marks the order, so a request
   * still on its way reserves nothing. Releasing twice changes nothing the second time.
   */
  async release(
    manager: EntityManager,
    release: ReservationRelease,
    now = new Date(),
  ): Promise<ReleaseResult> {
    const status = endStatus(release.reason);
    if (status === 'consumed') return this.consume(manager, release, now);
    const wholeOrder = release.lineNos.length === 0;
    await manager.query(
      `INSERT INTO reservation_orders (order_id, released_reason) VALUES ($1, $2)
       ON CONFLICT (order_id) DO UPDATE
         SET released_reason = CASE WHEN $3 THEN coalesce(reservation_orders.released_reason, EXCLUDED.released_reason)
                                    ELSE reservation_orders.released_reason END`,
      [release.orderId, release.reason, wholeOrder],
    );
    return this.endHolds(manager, release.orderId, status, wholeOrder ? null : release.lineNos, null, now);
  }

  /**
   * A shipment consumes an order's holds, once per (order, shipment): `shipped` quantities per SKU are
   * taken from the held lines of that SKU (in stock-row then line order), partially when fewer than held;
   * without quantities, the held remainder of `lineNos` (every line when empty) is taken whole. The units
   * leave `reserved` and become `shipped_uncounted` of their stock row, still unavailable, until a WMS
   * count with an event time at or after `releasedAt` (decision 0025); a row already counted at or after
   * it takes them as counted at once. A line whose every reserved unit shipped is `consumed`.
   */
  private async consume(
    manager: EntityManager,
    release: ReservationRelease,
    now: Date,
  ): Promise<ReleaseResult> {
    const shipmentId = release.shipmentId ?? release.releaseId;
    const consumedAt = new Date(release.releasedAt);
    const wanted = new Map<string, number>();
    for (const { sku, quantity } of release.shipped) {
      if (!Number.isSafeInteger(quantity) || quantity <= 0) {
        throw new InventoryStoreException(
          InventoryStoreErrorCode.InvalidRequest,
          `release ${release.releaseId}: shipped ${sku} must be a positive whole number of units, got ${quantity}`,
        );
      }
      wanted.set(sku, (wanted.get(sku) ?? 0) + quantity);
    }
    // The order's lock first, as everywhere; an order never reserved (RESERVATION_POLICY off) has nothing
    // to consume. The claim makes a second delivery of the shipment a no-op.
    const order = await manager.query<unknown[]>(
      'SELECT 1 FROM reservation_orders WHERE order_id = $1 FOR UPDATE',
      [release.orderId],
    );
    if (order.length === 0) return { released: [], changedLevels: [] };
    const claimed = await manager.query<unknown[]>(
      `INSERT INTO reservation_shipments (order_id, shipment_id, consumed_at, received_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [release.orderId, shipmentId, consumedAt, now],
    );
    if (claimed.length === 0) return { released: [], changedLevels: [] };
    const byQuantity = wanted.size > 0;
    const held = (
      await manager.query<LineRow[]>(
        `SELECT ${LINE_COLUMNS} FROM reservation_lines
          WHERE order_id = $1 AND status = 'held'
            AND ($2::text[] IS NULL OR sku = ANY($2::text[]))
            AND ($3::int[] IS NULL OR line_no = ANY($3::int[]))
          ORDER BY sku, warehouse_id, line_no`,
        [
          release.orderId,
          byQuantity ? [...wanted.keys()] : null,
          release.lineNos.length === 0 ? null : release.lineNos,
        ],
      )
    ).map(toLine);
    const changed = new Map<string, StockLevelRecord>();
    const consumed: ReservationLineRecord[] = [];
    for (const line of held) {
      const holding = line.reserved - line.consumed;
      const take = byQuantity ? Math.min(holding, wanted.get(line.sku) ?? 0) : holding;
      if (take <= 0 || line.warehouseId === null) continue;
      if (byQuantity) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) - take);
      // A row the WMS already counted at or after the consumption holds the shipment's result already.
      const [row] = await updateReturning<LevelRow>(
        manager,
        `UPDATE stock_levels
            SET reserved = reserved - $3,
                shipped_uncounted = shipped_uncounted
                  + CASE WHEN last_event_time IS NOT NULL AND last_event_time >= $4 THEN 0 ELSE $3 END,
                version = version + 1, updated_at = $5
          WHERE sku = $1 AND warehouse_id = $2
          RETURNING ${LEVEL_COLUMNS}`,
        [line.sku, line.warehouseId, take, consumedAt, now],
      );
      const level = toLevel(row);
      changed.set(`${line.sku}\u0000${line.warehouseId}`, level);
      const counted = level.lastEventTime !== null && level.lastEventTime.getTime() >= consumedAt.getTime();
      await manager.query(
        `INSERT INTO stock_consumptions (order_id, line_no, shipment_id, sku, warehouse_id, quantity, consumed_at, counted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          release.orderId,
          line.lineNo,
          shipmentId,
          line.sku,
          line.warehouseId,
          take,
          consumedAt,
          counted ? now : null,
        ],
      );
      const [updated] = await updateReturning<LineRow>(
        manager,
        `UPDATE reservation_lines
            SET consumed = consumed + $3,
                status = CASE WHEN consumed + $3 = reserved THEN 'consumed' ELSE status END, updated_at = $4
          WHERE order_id = $1 AND line_no = $2 RETURNING ${LINE_COLUMNS}`,
        [release.orderId, line.lineNo, take, now],
      );
      consumed.push(toLine(updated));
    }
    return { released: consumed, changedLevels: [...changed.values()] };
  }

  /** Orders with a hold whose TTL has passed, oldest ids first; expire each in a transaction of its own. */
  async ordersWithExpiredHolds(manager: EntityManager, now = new Date(), limit = 100): Promise<string[]> {
    const rows = await manager.query<{ order_id: string }[]>(
      `SELECT DISTINCT order_id FROM reservation_lines
        WHERE status = 'held' AND expires_at IS NOT NULL AND expires_at <= $1
        ORDER BY order_id LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => r.order_id);
  }

  /**
   * Ends the holds of one order whose TTL has passed, through the same path as a release (order lock
   * first). One order per transaction: a transaction holding stock rows must not wait for a second order.
   */
  async expireHolds(manager: EntityManager, orderId: string, now = new Date()): Promise<ReleaseResult> {
    await manager.query('SELECT 1 FROM reservation_orders WHERE order_id = $1 FOR UPDATE', [orderId]);
    return this.endHolds(manager, orderId, 'expired', null, now, now);
  }

  /**
   * Orders that still hold units and whose PO number (the order id after `<partner>/`) is one of these,
   * with their partner: a cancellation seen in Odoo names the order by its customer reference.
   */
  async heldOrdersByPoNumber(
    manager: EntityManager,
    poNumbers: readonly string[],
  ): Promise<{ orderId: string; partnerId: string; poNumber: string }[]> {
    if (poNumbers.length === 0) return [];
    const rows = await manager.query<{ order_id: string; partner_id: string; po_number: string }[]>(
      `SELECT o.order_id, o.partner_id, substr(o.order_id, length(o.partner_id) + 2) AS po_number
         FROM reservation_orders o
        WHERE o.partner_id IS NOT NULL AND left(o.order_id, length(o.partner_id) + 1) = o.partner_id || '/'
          AND substr(o.order_id, length(o.partner_id) + 2) = ANY($1::text[])
          AND EXISTS (SELECT 1 FROM reservation_lines l WHERE l.order_id = o.order_id AND l.status = 'held')
        ORDER BY o.order_id`,
      [[...poNumbers]],
    );
    return rows.map((r) => ({ orderId: r.order_id, partnerId: r.partner_id, poNumber: r.po_number }));
  }

  async linesOf(manager: EntityManager, orderId: string): Promise<ReservationLineRecord[]> {
    const rows = await manager.query<LineRow[]>(
      `SELECT ${LINE_COLUMNS} FROM reservation_lines WHERE order_id = $1 ORDER BY line_no`,
      [orderId],
    );
    return rows.map(toLine);
  }

  /** The order's lock must be held. `expiredBy`: only holds whose TTL ended by then. */
  private async endHolds(
    manager: EntityManager,
    orderId: string,
    status: ReservationLineStatus,
    lineNos: readonly number[] | null,
    expiredBy: Date | null,
    now: Date,
  ): Promise<ReleaseResult> {
    const held = (
      await manager.query<LineRow[]>(
        `SELECT ${LINE_COLUMNS} FROM reservation_lines
          WHERE order_id = $1 AND status = 'held' AND ($2::int[] IS NULL OR line_no = ANY($2::int[]))
            AND ($3::timestamptz IS NULL OR expires_at <= $3)
          ORDER BY sku, warehouse_id, line_no`,
        [orderId, lineNos, expiredBy],
      )
    ).map(toLine);
    const changed = new Map<string, StockLevelRecord>();
    for (const line of held) {
      // Sorted by (sku, warehouse): the stock rows are locked in the one order. What shipped stays consumed.
      const [row] = await updateReturning<LevelRow>(
        manager,
        `UPDATE stock_levels SET reserved = reserved - $3, version = version + 1, updated_at = $4
          WHERE sku = $1 AND warehouse_id = $2
          RETURNING ${LEVEL_COLUMNS}`,
        [line.sku, line.warehouseId, line.reserved - line.consumed, now],
      );
      changed.set(`${line.sku}\u0000${line.warehouseId}`, toLevel(row));
      const [updated] = await updateReturning<LineRow>(
        manager,
        `UPDATE reservation_lines SET status = $3, updated_at = $4
          WHERE order_id = $1 AND line_no = $2 RETURNING ${LINE_COLUMNS}`,
        [orderId, line.lineNo, status, now],
      );
      line.status = toLine(updated).status;
    }
    return { released: held, changedLevels: [...changed.values()] };
  }

  /**
   * Raises `reserved` only if the units are there (the row is locked already; the condition makes the
   * statement right on its own, and the table's trigger refuses it whatever the code says).
   */
  private async raiseReserved(
    manager: EntityManager,
    sku: string,
    warehouseId: string,
    quantity: number,
    now: Date,
  ): Promise<StockLevelRecord> {
    const rows = await updateReturning<LevelRow>(
      manager,
      `UPDATE stock_levels SET reserved = reserved + $3, version = version + 1, updated_at = $4
        WHERE sku = $1 AND warehouse_id = $2 AND on_hand - safety_stock - reserved - shipped_uncounted >= $3
        RETURNING ${LEVEL_COLUMNS}`,
      [sku, warehouseId, quantity, now],
    );
    if (rows.length === 0) {
      // Cannot happen under the row lock; if it does, the transaction must not commit a decision.
      throw new Error(`stock of ${sku} in ${warehouseId} changed under its lock`);
    }
    return toLevel(rows[0]);
  }

  private async replyIfComplete(
    manager: EntityManager,
    orderId: string,
    partnerId: string,
    lineCount: number,
    now: Date,
  ): Promise<ReservationReply | undefined> {
    const lines = await this.linesOf(manager, orderId);
    if (lines.length < lineCount) return undefined;
    return {
      orderId,
      partnerId,
      lines: lines.map(({ lineNo, sku, requested, reserved, backordered, outcome, warehouseId }) => ({
        lineNo,
        sku,
        requested,
        reserved,
        backordered,
        outcome,
        warehouseId,
      })),
      decidedAt: now.getTime(),
    };
  }
}

function validateRequest(request: ReservationRequest): void {
  const problems: string[] = [];
  if (request.lines.length === 0) problems.push('no lines');
  const seen = new Set<number>();
  for (const line of request.lines) {
    if (seen.has(line.lineNo)) problems.push(`line ${line.lineNo} twice`);
    seen.add(line.lineNo);
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
      problems.push(`line ${line.lineNo}: quantity must be a positive whole number, got ${line.quantity}`);
    }
  }
  if (!(Number.isSafeInteger(request.orderLineCount) && request.orderLineCount >= request.lines.length)) {
    problems.push(
      `orderLineCount ${request.orderLineCount} is below the request's ${request.lines.length} lines`,
    );
  }
  if (request.sku.trim() === '') problems.push('no sku');
  if (problems.length > 0) {
    throw new InventoryStoreException(
      InventoryStoreErrorCode.InvalidRequest,
      `reservation request ${request.requestId}: ${problems.join('; ')}`,
    );
  }
}
