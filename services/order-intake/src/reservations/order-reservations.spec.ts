import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type ReservationReply, ShortagePolicy } from '@tradewind/contracts';

import type { PricedLine } from '../intake/sales-order.evaluator';
import { judgeReservationReply, ReservationReasonCode, reservationRequestsFor } from './order-reservations';

const now = new Date('2026-12-01T10:00:00Z');
const line = (lineNo: number, sku: string, quantity: number): PricedLine & { partnerLineNumber: string } => ({
  lineNo,
  partnerLineNumber: String(lineNo * 10),
  sku,
  quantity,
  priceUnit: 1,
  expectedUnitPrice: 1,
  productId: 1,
  productExternalId: undefined,
  description: null,
});
const options = { orderId: 'acme/PO1', partnerId: 'acme', shortagePolicy: ShortagePolicy.Reject, now };

void describe('reservationRequestsFor', () => {
  void it('sends one request per SKU, each with its lines and the order line count', () => {
    const { requests, problems } = reservationRequestsFor(
      [line(1, 'B', 2), line(2, 'A', 1), line(3, 'B', 5)],
      { ...options, holdTtlMs: 60_000 },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      requests.map((r) => [r.requestId, r.sku, r.orderLineCount, r.lines, r.holdExpiresAt]),
      [
        ['acme/PO1/A', 'A', 3, [{ lineNo: 2, quantity: 1 }], now.getTime() + 60_000],
        [
          'acme/PO1/B',
          'B',
          3,
          [
            { lineNo: 1, quantity: 2 },
            { lineNo: 3, quantity: 5 },
          ],
          now.getTime() + 60_000,
        ],
      ],
    );
  });

  void it('refuses a line in fractions of a unit instead of rounding it', () => {
    const { requests, problems } = reservationRequestsFor([line(1, 'A', 1.5)], options);
    assert.deepEqual(requests, []);
    assert.deepEqual(
      problems.map((p) => [p.code, p.lineNumber]),
      [[ReservationReasonCode.FractionalQuantity, '10']],
    );
  });
});

void describe('judgeReservationReply', () => {
  const reply = (
    outcomes: ['reserved' | 'insufficient_stock' | 'backordered', number][],
  ): ReservationReply => ({
    orderId: 'acme/PO1',
    partnerId: 'acme',
    lines: outcomes.map(([outcome, reserved], i) => ({
      lineNo: i + 1,
      sku: `S${i + 1}`,
      requested: 3,
      reserved,
      backordered: outcome === 'backordered' ? 3 - reserved : 0,
      outcome,
      warehouseId: reserved > 0 ? 'WH1' : null,
    })),
    decidedAt: now.getTime(),
  });
  const refs = [1, 2].map((n) => ({ lineNo: n, partnerLineNumber: String(n * 10) }));

  void it('accepts an order whose lines are all held or backordered', () => {
    const v = judgeReservationReply(
      reply([
        ['reserved', 3],
        ['backordered', 1],
      ]),
      refs,
      'r1',
      now,
    );
    assert.deepEqual([v.accepted, v.problems, v.backorderedLineNos, v.release], [true, [], [2], undefined]);
  });

  void it('refuses a line without stock with insufficient stock, and releases what the others hold', () => {
    const v = judgeReservationReply(
      reply([
        ['reserved', 3],
        ['insufficient_stock', 0],
      ]),
      refs,
      'r1',
      now,
    );
    assert.equal(v.accepted, false);
    assert.deepEqual(
      v.problems.map((p) => [p.code, p.lineNumber]),
      [[ReservationReasonCode.InsufficientStock, '20']],
    );
    assert.deepEqual(v.release, {
      releaseId: 'r1',
      orderId: 'acme/PO1',
      reason: 'rejected',
      lineNos: [],
      releasedAt: now.getTime(),
      shipmentId: null,
      shipped: [],
    });
  });

  void it('sends no release when nothing is held', () => {
    const v = judgeReservationReply(reply([['insufficient_stock', 0]]), refs, 'r1', now);
    assert.equal(v.release, undefined);
  });
});
