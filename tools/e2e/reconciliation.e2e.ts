// Issue 13, end to end on the real services (gateway, order-intake, odoo-writer, reconciler; real Kafka,
// registry, PostgreSQL; the Odoo simulator): orders go through to Odoo, then Odoo drifts behind the
// platform's back — a confirmed sale order deleted, a line quantity changed, an order whose command never
// reached the writer (its state published without a command), a duplicate sale order made by hand. The
// reconciler classifies each; its re-drive repairs the first three through odoo.commands and the writer
// (a canary first, held while the writer's breaker is open — the writer is cut off from Odoo when the
// re-drive starts — each
// order audited on ops.audit) and raises the duplicate for a person on ops.exceptions; once a person has
// cancelled the duplicate, two runs prove the partner complete with the same checksum.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  type AuditEvent,
  type OpsException,
  OrderStatus,
  TOPIC_CATALOG,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import {
  AvroSerde,
  createKafka,
  HEADER,
  recordsSince,
  topicEnd,
  topicSchemasFrom,
  TypedProducer,
} from '@tradewind/messaging';
import { Command, createOdooClient, type OdooClient } from '@tradewind/odoo-client';
import { acmeJsonOrder, PartnerClient } from '@tradewind/partner-testing';
import { expectEventually, testStack } from '@tradewind/testing';
import type { Kafka } from 'kafkajs';

import { E2E_PARTNER_KEYS, type RunningPlatform, startPlatform } from './platform';

const PARTNER = 'acme-portal';
const DAY = 86_400_000;

interface Discrepancy {
  class: string;
  partnerId: string;
  orderId: string | null;
  odooIds: number[];
}
interface Report {
  verdict: string;
  checksum: string;
  partners: { partnerId: string; verdict: string; checksum: string; orders: number; received: number }[];
  discrepancies: Discrepancy[];
}

describe('reconciliation end to end: drift detected, re-driven through the writer, proved complete', () => {
  const stack = testStack();
  let platform: RunningPlatform;
  let odoo: OdooClient;
  let kafka: Kafka;
  let producer: TypedProducer<TopicValueMap>;
  let tag: string;
  const window = () => new Date(Math.floor(Date.now() / DAY) * DAY).toISOString();
  const orderId = (po: string) => `${PARTNER}/${po}`;
  const ours = (d: Discrepancy) => d.orderId?.startsWith(`${PARTNER}/A-${tag}-`) === true;
  const pos = () => ['DEL', 'QTY', 'DUP', 'OK'].map((p) => `A-${tag}-${p}`);
  const dropped = () => `A-${tag}-DROPPED`;

  before(async () => {
    platform = await startPlatform({
      odooLatencyMs: 5,
      writerThroughProxy: true,
      without: ['inventory-sync'],
      // A breaker that opens on the second failure in a row and probes after a second.
      writerEnv: { ODOO_BREAKER_CONSECUTIVE_FAILURES: '2', ODOO_BREAKER_OPEN_FOR: '1s' },
      reconcilerEnv: {
        RECONCILER_WINDOW: '24h',
        RECONCILER_EVERY: '1h',
        RECONCILER_REDRIVE_RATE: '20',
        RECONCILER_REDRIVE_MAX_ORDERS: '200',
        RECONCILER_BREAKER_POLL: '200ms',
      },
    });
    tag = platform.run.slice(-8).toUpperCase();
    odoo = createOdooClient({
      url: platform.odooUrl,
      db: platform.odooDb,
      apiKey: platform.odooWriteKey,
      apiFlavor: 'json2',
    });
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${platform.run}-e2e` });
    producer = new TypedProducer({
      kafka,
      serde: new AvroSerde({ registryUrl: stack.registryUrl }),
      schemas: topicSchemasFrom(TOPIC_CATALOG),
      sourceSystem: 'reconciliation-e2e',
    });
    await producer.connect();
  });

  after(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });

  async function reconcile(): Promise<Report> {
    const response = await fetch(`${platform.reconcilerUrl}/v1/reconciliation/windows/${window()}/runs`, {
      method: 'POST',
    });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { report: Report }).report;
  }

  async function saleOrders(po: string) {
    return odoo.searchRead('sale.order', [['client_order_ref', '=', po]], {
      fields: ['state', 'partner_id', 'order_line'],
      order: 'id asc',
    });
  }

  const found: Record<string, number> = {};

  it('takes the orders through to Odoo, then Odoo drifts and each drift is classified', async () => {
    const client = new PartnerClient(platform.gatewayUrl, E2E_PARTNER_KEYS);
    for (const po of pos()) {
      const result = await client.submit(acmeJsonOrder(po), { idempotencyKey: po });
      assert.equal(result.status, 202, JSON.stringify(result.body));
    }
    await expectEventually(
      async () => {
        for (const po of pos()) {
          const orders = await saleOrders(po);
          assert.deepEqual(
            orders.map((o) => o.state),
            ['sale'],
            `${po} confirmed in Odoo`,
          );
          found[po] = orders[0].id;
        }
      },
      { timeoutMs: 45_000, intervalMs: 500, description: 'orders confirmed in Odoo' },
    );
    const [del, qty, dup] = pos();

    // A confirmed sale order deleted (cancelled first, as Odoo demands).
    await odoo.callAction('sale.order', 'action_cancel', [found[del]]);
    await odoo.unlink('sale.order', [found[del]]);
    // A line quantity changed.
    const [line] = await odoo.searchRead('sale.order.line', [['order_id', '=', found[qty]]], {
      fields: ['product_uom_qty'],
      order: 'id asc',
      limit: 1,
    });
    await odoo.write('sale.order.line', [line.id], { product_uom_qty: Number(line.product_uom_qty) + 7 });
    // A duplicate made by hand: the same customer and PO, no external id.
    const [original] = await odoo.read('sale.order', [found[dup]], ['partner_id']);
    const lines = await odoo.searchRead('sale.order.line', [['order_id', '=', found[dup]]], {
      fields: ['product_id', 'product_uom_qty', 'price_unit'],
    });
    const [byHand] = await odoo.create('sale.order', [
      {
        partner_id: (original.partner_id as [number, string])[0],
        client_order_ref: dup,
        order_line: lines.map((l) =>
          Command.create({
            product_id: (l.product_id as [number, string])[0],
            product_uom_qty: Number(l.product_uom_qty),
            price_unit: Number(l.price_unit),
          }),
        ),
      },
    ]);
    await odoo.callAction('sale.order', 'action_confirm', [byHand]);
    found.byHand = byHand;

    // A command that never reached the writer: the order's state, decided and acknowledged, published
    // as order-intake would, with no odoo.commands record behind it.
    const template = await odoo.searchRead('sale.order.line', [['order_id', '=', found[pos()[3]]]], {
      fields: ['product_id', 'product_uom_qty', 'price_unit'],
    });
    const skus = await odoo.read(
      'product.product',
      template.map((l) => (l.product_id as [number, string])[0]),
      ['default_code'],
    );
    const now = Date.now();
    await producer.send(TOPICS.ordersState, [
      {
        key: orderId(dropped()),
        value: {
          orderId: orderId(dropped()),
          partnerId: PARTNER,
          poNumber: dropped(),
          status: OrderStatus.Acknowledged,
          version: 5,
          documentIds: [randomUUID()],
          // As order-intake publishes it: our customer id, no Odoo id (commands name it by external id).
          customerRef: 'CUST-ACME',
          odooPartnerId: null,
          currency: 'USD',
          lines: template.map((l, i) => {
            const sku = String(
              skus.find((p) => p.id === (l.product_id as [number, string])[0])!.default_code,
            );
            return {
              lineNo: i + 1,
              partnerSku: sku,
              sku,
              quantity: Number(l.product_uom_qty),
              uom: 'Units',
              unitPrice: Number(l.price_unit),
            };
          }),
          rejectionReasons: [],
          odooExternalId: `tradewind.so_${PARTNER}_${dropped()}`,
          odooOrderId: null,
          updatedAt: now,
          duplicateDocumentIds: [],
        },
        headers: { [HEADER.messageId]: randomUUID() },
      },
    ]);

    await expectEventually(
      async () => {
        const report = await reconcile();
        assert.deepEqual(
          report.discrepancies
            .filter(ours)
            .map((d) => `${d.class} ${d.orderId}`)
            .sort(),
          [
            `duplicated_in_odoo ${orderId(dup)}`,
            `fields_differ ${orderId(qty)}`,
            `missing_in_odoo ${orderId(del)}`,
            `missing_in_odoo ${orderId(dropped())}`,
          ],
        );
        const duplicate = report.discrepancies.find((d) => d.orderId === orderId(dup))!;
        assert.deepEqual(duplicate.odooIds, [found[dup], byHand]);
      },
      { timeoutMs: 20_000, intervalMs: 1_000, description: 'each drift classified' },
    );
  });

  it('re-drives the three through the odoo-writer (canary first, held while its breaker is open), audited; the duplicate goes to a person', async () => {
    const [del, qty, dup] = pos();
    const since = {
      audit: await topicEnd(kafka, TOPICS.opsAudit),
      exceptions: await topicEnd(kafka, TOPICS.opsExceptions),
    };
    // The writer loses Odoo (the reconciler still reads it): its breaker opens on the canary's calls.
    platform.partitionWriterFromOdoo(true);
    const response = await fetch(
      `${platform.reconcilerUrl}/v1/reconciliation/windows/${window()}/redrives?partner=${PARTNER}`,
      { method: 'POST' },
    );
    assert.equal(response.status, 202, await response.clone().text());
    const plan = (await response.json()) as {
      redriveId: string;
      redriven: { orderId: string; class: string }[];
      forPerson: { orderId: string; code: string }[];
    };
    const mine = plan.redriven.filter((r) => r.orderId.startsWith(`${PARTNER}/A-${tag}-`));
    assert.deepEqual(mine.map((r) => `${r.class} ${r.orderId}`).sort(), [
      `fields_differ ${orderId(qty)}`,
      `missing_in_odoo ${orderId(del)}`,
      `missing_in_odoo ${orderId(dropped())}`,
    ]);
    assert.ok(
      plan.forPerson.some((p) => p.orderId === orderId(dup) && p.code === 'RECONCILIATION_DUPLICATE_IN_ODOO'),
    );
    const status = async () =>
      (await (
        await fetch(`${platform.reconcilerUrl}/v1/reconciliation/redrives/${plan.redriveId}`)
      ).json()) as {
        status: string;
        detail: string | null;
        planned: number;
        orders: { sent: number; succeeded: number; failed: number };
        commands: { orderId: string; commandType: string; outcome: string | null; error: string | null }[];
      };
    await expectEventually(
      async () => {
        const s = await status();
        assert.equal(s.status, 'paused', JSON.stringify(s));
        assert.match(s.detail ?? '', /breaker 2/);
        assert.equal(s.orders.sent, 1, 'the canary alone was sent');
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 're-drive paused on the open breaker' },
    );
    await sleep(1_000);
    assert.equal((await status()).orders.sent, 1, 'nothing more while the breaker is open');

    platform.partitionWriterFromOdoo(false);
    await expectEventually(
      async () => {
        const s = await status();
        assert.equal(s.status, 'sent', JSON.stringify(s));
        assert.equal(s.orders.succeeded + s.orders.failed, s.planned, JSON.stringify(s));
      },
      { timeoutMs: 45_000, intervalMs: 500, description: 're-drive sent and answered' },
    );

    const answered = await status();
    for (const po of [del, qty, dropped()]) {
      // A confirm whose answer the partition cut (Odoo did it, the writer never heard) is found done on
      // the writer's retry: already_done, not a second confirmation. Odoo's state below is the proof.
      const outcomes = answered.commands
        .filter((c) => c.orderId === orderId(po))
        .map((c) => `${c.commandType} ${c.outcome === 'already_done' && po !== qty ? 'written' : c.outcome}`);
      assert.deepEqual(
        outcomes,
        ['upsert_sale_order written', 'confirm_sale_order written']
          .filter((c) => po !== qty || c.startsWith('upsert'))
          .concat(po === qty ? ['confirm_sale_order already_done'] : []),
        `${po}: ${JSON.stringify(answered.commands.filter((c) => c.orderId === orderId(po)))}`,
      );
    }
    // Repaired in Odoo, by the writer: the deleted order is back, the quantity as the platform has it,
    // the dropped order written; the duplicate is still there (a person decides).
    assert.deepEqual(
      (await saleOrders(del)).map((o) => o.state),
      ['sale'],
    );
    assert.deepEqual(
      (await saleOrders(dropped())).map((o) => o.state),
      ['sale'],
    );
    const qtyLines = await odoo.searchRead('sale.order.line', [['order_id', '=', found[qty]]], {
      fields: ['product_uom_qty'],
    });
    const okLines = await odoo.searchRead('sale.order.line', [['order_id', '=', found[pos()[3]]]], {
      fields: ['product_uom_qty'],
    });
    assert.deepEqual(
      qtyLines.map((l) => Number(l.product_uom_qty)).sort(),
      okLines.map((l) => Number(l.product_uom_qty)).sort(),
    );
    assert.equal((await saleOrders(dup)).length, 2);

    const audit = (
      await recordsSince<AuditEvent>(kafka, stack.registryUrl, TOPICS.opsAudit, since.audit)
    ).filter((r) => r.value.action === 'reconciliation.redrive' && r.value.reason?.includes(plan.redriveId));
    assert.equal(audit.length, plan.redriven.length, 'one audit event per order sent');
    assert.match(audit[0].value.policy ?? '', /^canary/);
    assert.deepEqual(
      audit
        .map((r) => r.value.trackingId)
        .filter((id) => mine.some((m) => m.orderId === id))
        .sort(),
      mine.map((m) => m.orderId).sort(),
    );
    const exceptions = (
      await recordsSince<OpsException>(kafka, stack.registryUrl, TOPICS.opsExceptions, since.exceptions)
    ).filter((r) => r.value.sourceKey === orderId(dup));
    assert.deepEqual(
      exceptions.map((r) => r.value.code),
      ['RECONCILIATION_DUPLICATE_IN_ODOO'],
    );
    assert.match(exceptions[0].value.details[0].message, new RegExp(String(found.byHand)));
  });

  it('after a person cancels the duplicate, two runs prove the partner complete with the same checksum', async () => {
    await odoo.callAction('sale.order', 'action_cancel', [found.byHand]);
    const first = await reconcile();
    assert.deepEqual(first.discrepancies.filter(ours), []);
    // Other tests may publish orders of this partner on the shared broker: they are not this test's.
    const foreign = first.discrepancies.filter((d) => d.partnerId === PARTNER && !ours(d));
    const summary = first.partners.find((p) => p.partnerId === PARTNER)!;
    if (foreign.length === 0) assert.equal(summary.verdict, 'complete');
    // The gateway's leg: this test's four documents are among those it accepted in the window.
    assert.ok(summary.received >= pos().length, `received ${summary.received}`);
    const second = await reconcile();
    assert.equal(second.partners.find((p) => p.partnerId === PARTNER)!.checksum, summary.checksum);
    const verification = (await (
      await fetch(`${platform.reconcilerUrl}/v1/reconciliation/windows/${window()}/verification`)
    ).json()) as { partners: { partnerId: string; matches: boolean }[] };
    assert.equal(verification.partners.find((p) => p.partnerId === PARTNER)?.matches, true);
  });
});
