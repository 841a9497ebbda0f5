// The open-orders read behind order-intake's gauges (stuck orders, acknowledgements overdue), on a real
// PostgreSQL schema with the service's migrations; and the gauges it fills on a scrape.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { metricsRegistry } from '@tradewind/observability';
import { createDataSource } from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { orderIntakeMetrics } from '../metrics/order-intake.metrics';
import { CreateOrders1767500000000, IndexOpenOrders1767600000000 } from './orders.migration';
import { OrdersRepository } from './orders.repository';

void describe('OrdersRepository.openOrders against PostgreSQL', () => {
  const schema = uniqueName('intake_open');
  const orders = new OrdersRepository();
  let dataSource: DataSource;

  before(async () => {
    dataSource = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'order-intake-open-orders-itest',
      poolSize: 2,
      logging: false,
      migrations: [CreateOrders1767500000000, IndexOpenOrders1767600000000],
    });
    // partner, PO, status, minutes since receipt
    const rows: [string, string, string, number][] = [
      ['acme-portal', 'A1', 'accepted', 20], // past acme's 15-minute SLA
      ['acme-portal', 'A2', 'accepted', 5],
      ['acme-portal', 'A3', 'acknowledged', 600], // final
      ['acme-portal', 'A4', 'confirmed', 40], // acme gets acknowledgements: not final yet, overdue
      ['globex-edi', 'G1', 'failed', 90], // waits for a re-drive; past globex's 30 minutes
      ['silent-partner', 'S1', 'confirmed', 500], // no acknowledgements: confirmed is final
      ['silent-partner', 'S2', 'written', 500], // open, but no SLA to be overdue against
    ];
    for (const [partner, po, status, minutes] of rows) {
      await dataSource.query(
        `INSERT INTO orders (order_id, partner_id, po_number, external_id, status, version, document_ids, format,
           partner_order, lines, received_at, updated_at)
         VALUES ($1, $2, $3, $1, $4, 1, '{}', 'json', '{}', '[]', now() - make_interval(mins => $5), now())`,
        [`${partner}/${po}`, partner, po, status, minutes],
      );
    }
  });
  after(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const acknowledging = new Map([
    ['acme-portal', 15],
    ['globex-edi', 30],
  ]);

  void it('counts non-final orders by partner and status, with the oldest age and those past the SLA', async () => {
    const open = await orders.openOrders(dataSource, acknowledging);
    const byKey = new Map(open.map((o) => [`${o.partner}/${o.status}`, o]));
    assert.deepEqual([...byKey.keys()].sort(), [
      'acme-portal/accepted',
      'acme-portal/confirmed',
      'globex-edi/failed',
      'silent-partner/written',
    ]);
    const accepted = byKey.get('acme-portal/accepted')!;
    assert.equal(accepted.count, 2);
    assert.equal(accepted.overdue, 1);
    assert.ok(
      accepted.oldestSeconds >= 20 * 60 && accepted.oldestSeconds < 21 * 60,
      String(accepted.oldestSeconds),
    );
    assert.equal(byKey.get('acme-portal/confirmed')!.overdue, 1);
    assert.equal(byKey.get('globex-edi/failed')!.overdue, 1);
    assert.equal(byKey.get('silent-partner/written')!.overdue, 0);
  });

  void it('fills the gauges on a scrape, with one read for all three', async () => {
    let reads = 0;
    orderIntakeMetrics(() => {
      reads += 1;
      return orders.openOrders(dataSource, acknowledging);
    });
    const text = await metricsRegistry.metrics();
    assert.equal(reads, 1);
    assert.match(
      text,
      /tradewind_transactions_open\{workflow="sales-order",status="accepted",partner="acme-portal"[^}]*\} 2/,
    );
    assert.match(
      text,
      /tradewind_transaction_oldest_open_seconds\{workflow="sales-order",status="failed",partner="globex-edi"[^}]*\} 5[45]\d\d/,
    );
    assert.match(
      text,
      /tradewind_acknowledgements_overdue\{workflow="sales-order",partner="acme-portal"[^}]*\} 2/,
    );
    assert.match(
      text,
      /tradewind_acknowledgements_overdue\{workflow="sales-order",partner="silent-partner"[^}]*\} 0/,
    );
  });

  void it('keeps the last values when the read fails, and still serves the scrape', async () => {
    orderIntakeMetrics(() => Promise.reject(new Error('database down')));
    const text = await metricsRegistry.metrics();
    assert.match(
      text,
      /tradewind_acknowledgements_overdue\{workflow="sales-order",partner="acme-portal"[^}]*\} 2/,
    );
  });
});
