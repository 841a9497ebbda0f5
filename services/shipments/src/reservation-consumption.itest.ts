// The shipments side of "consumed on ship" (decision 0025), ShipmentsCore on the real PostgreSQL with the
// catalog: the 3PL's 856 for a customer order puts, beside its validate_picking, one shipped release on
// inventory.reservation-releases (through the outbox) with the quantities per SKU that left; the same 856
// redelivered, or sent again as a new document, adds none; a second shipment of the same order (the rest
// of a partial one) adds its own. What lands in the outbox is what the topic's schema accepts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  HEADER,
  type IngressDocument,
  type ReservationRelease,
  TOPIC_CATALOG,
  TOPICS,
} from '@tradewind/contracts';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { asIngressDocuments, harborShipNotice, SCAC } from '@tradewind/partner-testing';
import {
  createDataSource,
  decodeJsonValue,
  Inbox,
  OUTBOX_TABLE,
  OutboxWriter,
  persistenceMigrations,
} from '@tradewind/persistence';
import { testStack, uniqueName } from '@tradewind/testing';
import avro from 'avsc';
import type { DataSource } from 'typeorm';

import { ShipmentsCore } from './shipments.core';
import { CreateShipments1769000000000 } from './store/shipments.migration';

const schema = uniqueName('shipments_consume_it');
const origin = { topic: TOPICS.ingressDocuments, partition: 0, offset: '0' };

void describe('shipments: a ship notice consumes the order reservation once per shipment (real PostgreSQL)', () => {
  let ds: DataSource;
  let core: ShipmentsCore;

  before(async () => {
    ds = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'shipments-consume-itest',
      poolSize: 2,
      logging: false,
      migrations: [...persistenceMigrations, CreateShipments1769000000000],
    });
    core = new ShipmentsCore(ds, new Inbox(), new OutboxWriter(), loadPartnerCatalog('config/partners'), {
      consumerGroup: 'shipments-consume-it',
      serviceName: 'shipments-consume-it',
    });
  });

  after(async () => {
    await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds?.destroy();
  });

  const notice = (tag: string, poNumber: string, lines: { sku: string; quantity: number }[]) => {
    const trackingNumber = `${SCAC}${tag}`;
    const [document] = asIngressDocuments(
      harborShipNotice(
        {
          shipmentId: `${SCAC}/${trackingNumber}/2026-12-01`,
          shipmentRef: `HB-${tag}`,
          trackingNumber,
          shipDate: '2026-12-01',
          customer: 'acme-portal',
          poNumber,
          lines,
        },
        Date.parse('2026-12-01T09:30:00Z'),
      ),
    );
    return document;
  };
  const send = (document: IngressDocument) =>
    core.onDocument(document, { [HEADER.messageId]: randomUUID() }, origin);
  const releases = async () =>
    (
      await ds.query<{ key: string; value: unknown }[]>(
        `SELECT key, value FROM ${OUTBOX_TABLE} WHERE topic = $1 ORDER BY id`,
        [TOPICS.inventoryReservationReleases],
      )
    ).map((r) => ({ key: r.key, value: decodeJsonValue(r.value) as ReservationRelease }));

  void it('one shipped release per (shipment, order) with the units per SKU, whatever is sent again', async () => {
    const tag = uniqueName('T')
      .replace(/[^A-Z0-9]/gi, '')
      .slice(-10)
      .toUpperCase();
    const po = `PO-${tag}`;
    const first = notice(`${tag}A`, po, [
      { sku: 'SKU-1001', quantity: 3 },
      { sku: 'SKU-1002', quantity: 1 },
    ]);
    assert.equal(await send(first), 'applied');
    // Redelivered (another message id for the same record) and sent again by the 3PL (a new document).
    assert.equal(await send(first), 'duplicate');
    assert.equal(await send({ ...first, documentId: randomUUID(), receivedAt: Date.now() }), 'duplicate');
    // The rest of the order, in a second shipment.
    const second = notice(`${tag}B`, po, [{ sku: 'SKU-1001', quantity: 2 }]);
    assert.equal(await send(second), 'applied');

    const sent = await releases();
    assert.deepEqual(
      sent.map(({ key, value }) => [
        key,
        value.reason,
        value.shipmentId,
        value.shipped.map((s) => `${s.sku}×${s.quantity}`),
        value.lineNos,
      ]),
      [
        [
          `acme-portal/${po}`,
          'shipped',
          `${SCAC}/${SCAC}${tag}A/2026-12-01`,
          ['SKU-1001×3', 'SKU-1002×1'],
          [],
        ],
        [`acme-portal/${po}`, 'shipped', `${SCAC}/${SCAC}${tag}B/2026-12-01`, ['SKU-1001×2'], []],
      ],
    );
    // Consumed as of the notice's receipt (the 856's ship time may be a date alone).
    assert.deepEqual(
      sent.map((r) => r.value.releasedAt),
      [first.receivedAt, second.receivedAt],
    );
    assert.equal(new Set(sent.map((r) => r.value.releaseId)).size, 2);
    const type = avro.Type.forSchema(TOPIC_CATALOG[TOPICS.inventoryReservationReleases].valueSchema);
    for (const { value } of sent) assert.ok(type.isValid(value), JSON.stringify(value));
  });
});
