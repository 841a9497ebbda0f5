// e2e-lane: isolated (partner-delivery on a catalog of boltworks-supply only; an Odoo and consumer groups of its own)
// The whole way out to a supplier, on the real Kafka, registry and PostgreSQL: a purchase order confirmed
// in the Odoo simulator for boltworks-supply goes through purchase-orders (in process) to partners.outbound
// and through partner-delivery (a real process: another service's code is not imported) to the supplier's
// SFTP server (Debian's sshd): the file lands in the directory of boltworks' reviewed endpoint
// (config/partners/delivery.yaml, its host pointed at the test's server by DELIVERY_ENDPOINT_OVERRIDES)
// under a temporary name and renamed, an X12 850 in the supplier's part numbers, with a receipt on
// partners.delivery-results. The PO reported twice (webhook + poll) is one file; a change is an 860 file,
// never a second 850.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import {
  cpSync,
  type FSWatcher,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import {
  DeliveryOutcome,
  type DeliveryResult,
  HEADER,
  type OutboundDocument,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, deadLetterTopicOf, retryTopicOf, TypedProducer } from '@tradewind/messaging';
import { defaultConsumerGroup } from '@tradewind/messaging-nest';
import { Command, createOdooClient, type OdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { CONTENT_TYPES, readX12Interchange, type X12SetRead } from '@tradewind/partner-documents';
import { odooPurchaseOrderWebhook, TopicCollector } from '@tradewind/partner-testing';
import {
  expectEventually,
  newGroupsStartNow,
  type ServiceProcess,
  sftpServerUnavailable,
  type SftpTestServer,
  startServiceProcess,
  startSftpServer,
  testStack,
  uniqueName,
} from '@tradewind/testing';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { parse, stringify } from 'yaml';

import { AppModule } from './app.module';
import { PurchaseOrderIntake } from './intake/purchase-order.intake';
import { purchaseOrdersConfig } from './purchase-orders.config';

const REPO_ROOT = join(__dirname, '../../..');
const SUPPLIER = 'boltworks-supply';
const ENDPOINT = `${SUPPLIER}/edi-sftp`;
const stack = testStack();
const poService = uniqueName('purchase-orders-sftp');
const poSchema = uniqueName('purchase_orders_sftp');
const deliveryService = uniqueName('partner-delivery-po-sftp');
const deliverySchema = uniqueName('partner_delivery_po_sftp');
const collectorGroup = uniqueName('purchase-orders-sftp-collector');

interface Delivery {
  readonly outbound: OutboundDocument & { payload: string };
  readonly result: DeliveryResult;
}

/** The transaction set of an X12 file, read with the interchange reader (no problems allowed). */
function setOf(text: string): X12SetRead {
  const read = readX12Interchange(text);
  assert.ok(read.ok, JSON.stringify(read.ok ? [] : read.problems));
  assert.deepEqual(read.interchange.problems, []);
  assert.equal(read.interchange.groups.length, 1);
  const [set] = read.interchange.groups[0].sets;
  assert.deepEqual(set.problems, []);
  return set;
}
const segments = (set: X12SetRead, tag: string) =>
  set.body.filter((s) => s.tag === tag).map((s) => [...s.elements]);

describe('purchase orders out to the supplier’s SFTP server', { skip: sftpServerUnavailable() }, () => {
  let server: SftpTestServer;
  let odoo: OdooSimulator;
  let admin: OdooClient;
  let app: INestApplication;
  let delivery: ServiceProcess | undefined;
  let kafka: Kafka;
  let collector: TopicCollector;
  let work: string;
  let watcher: FSWatcher | undefined;
  const seen = new Set<string>();
  const ids = { vendor: 0, bolt: 0, nut: 0, dozen: 0 };
  const remoteDir = 'inbound/tradewind';

  /** Our documents for one order on partners.outbound, each with its delivered result, once both are there. */
  const delivered = (orderId: number): Delivery[] =>
    collector
      .of<OutboundDocument>(
        TOPICS.partnersOutbound,
        (r) => r.headers[HEADER.sourceSystem] === poService && r.value.relatesTo.includes(`odoo/${orderId}`),
      )
      .map((r) => {
        const outbound = r.value as OutboundDocument & { payload: string };
        const results = collector
          .of<DeliveryResult>(
            TOPICS.partnersDeliveryResults,
            (d) =>
              d.value.outboundId === outbound.outboundId && d.value.outcome === DeliveryOutcome.Delivered,
          )
          .map((d) => d.value);
        assert.ok(results.length <= 1, `${outbound.outboundId} delivered ${results.length} times`);
        return { outbound, result: results[0] };
      })
      .filter((d): d is Delivery => d.result !== undefined);

  /** The X12 files in the supplier's directory for one PO number (BEG03 / BCH03), by transaction set. */
  const filesOf = (poNumber: string) =>
    readdirSync(server.path(remoteDir))
      .filter((name) => !name.startsWith('.'))
      .map((name) => ({ name, text: readFileSync(server.path(`${remoteDir}/${name}`), 'utf8') }))
      .map((f) => ({ ...f, set: setOf(f.text) }))
      .filter((f) => segments(f.set, f.set.transactionSetId === '850' ? 'BEG' : 'BCH')[0]?.[2] === poNumber);

  async function confirmedOrder(): Promise<{ id: number; name: string; lines: number[] }> {
    const [id] = await admin.create('purchase.order', [
      {
        partner_id: ids.vendor,
        order_line: [
          Command.create({ product_id: ids.bolt, product_qty: 500 }),
          Command.create({ product_id: ids.nut, product_qty: 2, product_uom: ids.dozen, price_unit: 1.2 }),
        ],
      },
    ]);
    await admin.callAction('purchase.order', 'button_confirm', [id]);
    const [order] = await admin.read('purchase.order', [id], ['name', 'order_line']);
    return { id, name: String(order.name), lines: order.order_line as number[] };
  }

  const xidOf = async (module: string, name: string) =>
    Number(
      (
        await admin.searchRead(
          'ir.model.data',
          [
            ['module', '=', module],
            ['name', '=', name],
          ],
          { fields: ['res_id'] },
        )
      )[0].res_id,
    );

  /** The catalog with boltworks-supply's reviewed endpoint only: the test's partner-delivery sends nothing else. */
  function catalogDir(): string {
    const dir = join(work, 'partners');
    cpSync(join(REPO_ROOT, 'config/partners'), dir, { recursive: true });
    const channels = parse(readFileSync(join(dir, 'delivery.yaml'), 'utf8')) as {
      partners: Record<string, unknown>;
    };
    assert.ok(channels.partners[SUPPLIER], `${SUPPLIER} has delivery channels`);
    channels.partners = { [SUPPLIER]: channels.partners[SUPPLIER] };
    writeFileSync(join(dir, 'delivery.yaml'), stringify(channels));
    loadPartnerCatalog(dir);
    return dir;
  }

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'tw-po-sftp-'));
    server = await startSftpServer();
    mkdirSync(server.path(remoteDir), { recursive: true });
    // The directory's names as they come and go: the temporary names show up there.
    watcher = watch(server.path(remoteDir), (_event, name) => {
      if (name !== null) seen.add(name);
    });
    // The key the endpoint's privateKeyRef names, under the secrets root; the host key its env reference.
    const secretsRoot = join(work, 'secrets');
    const keyFile = join(secretsRoot, 'run/secrets/delivery/boltworks-supply.ssh-key');
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, server.privateKey, { mode: 0o600 });
    const startAt = newGroupsStartNow();
    const deliveryStarted = startServiceProcess({
      service: 'partner-delivery',
      env: {
        SERVICE_NAME: deliveryService,
        SOURCE_SYSTEM: deliveryService,
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        KAFKA_NEW_GROUP_START_AT: startAt,
        SCHEMA_REGISTRY_URL: stack.registryUrl,
        DATABASE_URL: stack.databaseUrl,
        DATABASE_SCHEMA: deliverySchema,
        DATABASE_POOL_SIZE: '4',
        LOG_LEVEL: 'error',
        PARTNER_CATALOG_DIR: catalogDir(),
        DELIVERY_SECRETS_ROOT: secretsRoot,
        // The catalog's user is the supplier's; the test's sshd logs in the current user only.
        DELIVERY_ENDPOINT_OVERRIDES: JSON.stringify({
          [ENDPOINT]: { host: server.host, port: server.port, username: server.username },
        }),
        TW_DELIVERY_BOLTWORKS_SFTP_HOST_KEY: server.hostKeyFingerprint,
        DELIVERY_POLL_INTERVAL: '200ms',
      },
    });
    odoo = await startOdooSimulator();
    admin = createOdooClient({ url: odoo.url, db: odoo.db, apiKey: odoo.apiKeys.write, apiFlavor: 'json2' });
    ids.vendor = await xidOf('tradewind', 'vendor_boltworks');
    ids.bolt = await xidOf('tradewind', 'product_sku_1001');
    ids.nut = await xidOf('tradewind', 'product_sku_1002');
    ids.dozen = await xidOf('uom', 'product_uom_dozen');
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'purchase-orders-sftp-e2e' });
    collector = new TopicCollector(kafka, new AvroSerde({ registryUrl: stack.registryUrl }), collectorGroup);
    // Our records only come after this: nothing older is read.
    await collector.start([TOPICS.partnersOutbound, TOPICS.partnersDeliveryResults], {
      fromBeginning: false,
    });
    const config = loadConfig(purchaseOrdersConfig, {
      SERVICE_NAME: poService,
      SOURCE_SYSTEM: poService,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_NEW_GROUP_START_AT: startAt,
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_SCHEMA: poSchema,
      DATABASE_POOL_SIZE: '4',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      ODOO_URL: odoo.url,
      ODOO_DB: odoo.db,
      ODOO_READ_API_KEY: odoo.apiKeys.readOnly,
      ODOO_READ_LOGIN: odoo.logins.readOnly,
      // The test polls itself.
      PO_POLL_EVERY: '1h',
      PO_SLA_SWEEP_EVERY: '1h',
    });
    app = await NestFactory.create(AppModule.forRoot(config.values), { logger: false });
    await app.listen(0, '127.0.0.1');
    delivery = await deliveryStarted;
  });

  after(async () => {
    watcher?.close();
    await delivery?.stop();
    await app?.close();
    await collector?.stop();
    await odoo?.stop();
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    const groups = [
      defaultConsumerGroup(poService, TOPICS.ingressDocuments),
      defaultConsumerGroup(deliveryService, TOPICS.partnersOutbound),
    ];
    const existing = new Set(await kafkaAdmin.listTopics());
    const topics = groups
      .flatMap((g, i) => {
        const topic = i === 0 ? TOPICS.ingressDocuments : TOPICS.partnersOutbound;
        return [retryTopicOf(topic, g), deadLetterTopicOf(topic, g)];
      })
      .filter((t) => existing.has(t));
    if (topics.length > 0) await kafkaAdmin.deleteTopics({ topics }).catch(() => undefined);
    await kafkaAdmin
      .deleteGroups([...groups.flatMap((g) => [g, `${g}.retry`]), collectorGroup])
      .catch(() => undefined);
    await kafkaAdmin.disconnect();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    for (const schema of [poSchema, deliverySchema])
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    await server?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  const publishWebhook = async (orderId: number) => {
    // Odoo's webhook as the ingress gateway publishes it (the purchase-orders itest's path).
    const payload = Buffer.from(odooPurchaseOrderWebhook(orderId), 'utf8');
    const documentId = randomUUID();
    await app.get<TypedProducer<TopicValueMap>>(TypedProducer).send(TOPICS.ingressDocuments, [
      {
        key: `odoo/purchase-order-event/${documentId}`,
        value: {
          documentId,
          batchId: null,
          batchIndex: 0,
          batchSize: 1,
          partnerId: 'odoo',
          principal: 'odoo-e2e',
          documentType: 'purchase-order-event',
          format: 'json',
          contentType: CONTENT_TYPES.json,
          businessRef: null,
          interchangeRef: null,
          idempotencyKey: null,
          apiVersion: 'v1',
          receivedAt: Date.now(),
          sha256: 'not-checked-here',
          sizeBytes: payload.length,
          payload,
          claimCheckUri: null,
          correction: null,
        },
        headers: {
          [HEADER.messageId]: randomUUID(),
          [HEADER.correlationId]: documentId,
          [HEADER.partnerId]: 'odoo',
        },
      },
    ]);
  };

  let order: { id: number; name: string; lines: number[] };

  it('delivers a confirmed PO, reported by the webhook and the poll, as one 850 file in the supplier’s part numbers, with a receipt', async () => {
    order = await confirmedOrder();
    await publishWebhook(order.id);
    assert.ok((await app.get(PurchaseOrderIntake).pollOnce()) >= 1);
    const [sent] = await expectEventually(
      () => {
        const found = delivered(order.id);
        assert.equal(found.length, 1);
        return found;
      },
      { timeoutMs: 45_000, description: 'the 850 delivered to the supplier’s SFTP server' },
    );
    assert.equal(sent.outbound.documentType, 'x12-850');
    const { receipt } = sent.result;
    assert.ok(receipt, 'a receipt');
    assert.equal(sent.result.endpointId, ENDPOINT);
    assert.equal(dirname(receipt.remotePath), remoteDir);
    const text = readFileSync(server.path(receipt.remotePath), 'utf8');
    assert.equal(text, sent.outbound.payload, 'the file is the document sent');
    assert.equal(receipt.sizeBytes, Buffer.byteLength(text));
    assert.equal(receipt.sha256, createHash('sha256').update(text).digest('hex'));
    // Uploaded under a temporary name, then renamed to its final one.
    assert.ok(
      seen.has(`.${receipt.fileName}.part`),
      `${receipt.fileName} was written as .${receipt.fileName}.part`,
    );
    assert.deepEqual(
      readdirSync(server.path(remoteDir)).filter((n) => n.endsWith('.part')),
      [],
    );
    // Read back: an 850 for our PO in Boltworks' part numbers (VP) beside ours (BP), in its packs.
    const set = setOf(text);
    assert.equal(set.transactionSetId, '850');
    assert.deepEqual(segments(set, 'BEG')[0].slice(0, 3), ['00', 'SA', order.name]);
    assert.deepEqual(segments(set, 'PO1'), [
      ['1', '500', 'EA', '0.21', 'PE', 'VP', 'BW-SB-M8', 'BP', 'SKU-1001'],
      ['2', '2', 'CA', '1.2', 'PE', 'VP', 'BW-SN-M8-C12', 'BP', 'SKU-1002'],
    ]);
    // Reported again (the next poll, another webhook): nothing more is sent, one file for the PO.
    await publishWebhook(order.id);
    await app.get(PurchaseOrderIntake).pollOnce();
    assert.deepEqual(
      filesOf(order.name).map((f) => f.name),
      [receipt.fileName],
    );
    assert.equal(
      collector.of<OutboundDocument>(
        TOPICS.partnersOutbound,
        (r) => r.headers[HEADER.sourceSystem] === poService && r.value.relatesTo.includes(`odoo/${order.id}`),
      ).length,
      1,
    );
  });

  it('delivers a quantity changed in Odoo as an 860 file, not a second 850', async () => {
    await admin.write('purchase.order.line', [order.lines[0]], { product_qty: 800 });
    await publishWebhook(order.id);
    await app.get(PurchaseOrderIntake).pollOnce();
    const docs = await expectEventually(
      () => {
        const found = delivered(order.id);
        assert.equal(found.length, 2);
        return found;
      },
      { timeoutMs: 30_000, description: 'the 860 delivered' },
    );
    assert.deepEqual(
      docs.map((d) => d.outbound.documentType),
      ['x12-850', 'x12-860'],
    );
    const files = filesOf(order.name);
    assert.deepEqual(files.map((f) => f.set.transactionSetId).sort(), ['850', '860']);
    const change = files.find((f) => f.set.transactionSetId === '860')!;
    assert.equal(change.name, docs[1].result.receipt?.fileName);
    assert.deepEqual(segments(change.set, 'BCH')[0].slice(0, 3), ['04', 'SA', order.name]);
    assert.deepEqual(segments(change.set, 'POC'), [
      ['1', 'CA', '800', '300', 'EA', '0.21', 'PE', 'VP', 'BW-SB-M8', 'BP', 'SKU-1001'],
    ]);
  });
});
