// Demo traffic: plays the four demo partners and the WMS against the ingress gateway (signed requests, as
// their systems would send them) and shows orders flowing into Odoo and stock going down. Started by
// `./tradewind demo`. The WMS (northwind-wms) first sends a snapshot of the seed's stock, then now and
// then makes SKU-2001 scarce (orders for it are refused: INSUFFICIENT_STOCK, with RESERVATION_POLICY=reject)
// and restores it, and receives goods where stock runs low. The 3PL ships confirmed orders of the run and the
// carrier reports them up to delivery (tools/demo/shipments.ts): pickings are validated in Odoo.
// Environment: GATEWAY_URL, ODOO_URL, ODOO_DB, ODOO_READ_API_KEY, TW_DEMO_KEYS (JSON partnerId →
// { keyId, apiKey, signingSecret }), KAFKA_BROKERS, SCHEMA_REGISTRY_URL (availability is read from the
// compacted inventory.availability topic, what channels are fed from),
// DEMO_INTERVAL_MS (between submissions, default 700), DEMO_COUNT (submissions, 0 = until Ctrl-C).
import { setTimeout as sleep } from 'node:timers/promises';

import { type OutboundDocument, type StockAvailability, TOPICS } from '@tradewind/contracts';
import { AvroSerde, createKafka, startNewGroupAt } from '@tradewind/messaging';
import { loadSeedFile } from '@tradewind/odoo-simulator';
import type { PartnerCredentials } from '@tradewind/partner-auth';
import {
  acmeJsonOrder,
  bazaarlyCsv,
  globexX12,
  marketHubCsv,
  northwindStockEvents,
  northwindStockSnapshot,
  type OrderVariant,
  PartnerClient,
  type PartnerDocument,
  type StockCount,
  type StockDocument,
} from '@tradewind/partner-testing';

import { type FinanceDemo, startFinanceDemo } from './finance';
import { type PurchasingDemo, startPurchasingDemo } from './purchasing';
import { ShipmentsDemo } from './shipments';

const env = process.env;
const gatewayUrl = env.GATEWAY_URL ?? 'http://127.0.0.1:3010';
const reconcilerUrl = env.RECONCILER_URL ?? 'http://127.0.0.1:3050';
const reconcilerWindowMs = Number(env.RECONCILER_WINDOW_MS ?? 3_600_000);
const partnerEndpointsUrl = `http://127.0.0.1:${env.PARTNER_ENDPOINTS_PORT ?? '3069'}/`;
const odooUrl = env.ODOO_URL ?? 'http://127.0.0.1:8069';
const odooDb = env.ODOO_DB ?? 'tradewind';
const odooKey = env.ODOO_READ_API_KEY ?? '';
const kafkaBrokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const intervalMs = Number(env.DEMO_INTERVAL_MS ?? 700);
const count = Number(env.DEMO_COUNT ?? 0);
const demoKeys = JSON.parse(env.TW_DEMO_KEYS ?? '{}') as Record<string, PartnerCredentials>;
const client = new PartnerClient(gatewayUrl, demoKeys);

const run = Date.now().toString(36).toUpperCase().slice(-5);
let sequence = 0;
// ISA13 must be new per interchange across runs too: the gateway answers a repeat as a duplicate.
const isa13Base = 100_000_000 + (Math.floor(Date.now() / 1000) % 800_000_000);
const shipments = new ShipmentsDemo(client, demoKeys, { url: odooUrl, db: odooDb, key: odooKey }, run);
const nextPo = (prefix: string): string => `${prefix}-${run}-${String(++sequence).padStart(4, '0')}`;

/** Mostly good orders; now and then the mistakes real partners make. */
function variant(): OrderVariant {
  const roll = Math.random();
  if (roll < 0.05) return 'unknown-sku';
  if (roll < 0.08) return 'unknown-customer';
  if (roll < 0.11) return 'price-out-of-tolerance';
  return 'ok';
}

function nextDocument(turn: number): PartnerDocument {
  switch (turn % 4) {
    case 0:
      return acmeJsonOrder(nextPo('ACME'), variant());
    case 1:
      return marketHubCsv([
        { poNumber: nextPo('MH'), variant: variant() },
        { poNumber: nextPo('MH'), variant: variant() },
      ]);
    case 2:
      return bazaarlyCsv([
        { poNumber: nextPo('BZ'), variant: variant() },
        { poNumber: nextPo('BZ'), variant: variant() },
      ]);
    default:
      return globexX12(
        [
          { poNumber: nextPo('GX'), variant: variant() },
          { poNumber: nextPo('GX'), variant: variant() },
        ],
        isa13Base + turn,
      );
  }
}

// --- The WMS: what it counts per SKU and warehouse, and the availability the platform publishes. ---

const WMS = 'northwind-wms';
/** The SKU the WMS now and then makes scarce, and the SKUs the summary shows. */
const SCARCE_SKU = 'SKU-2001';
const SHOWN_SKUS = [SCARCE_SKU, 'SKU-1001'];
const seedStock: StockCount[] = (loadSeedFile().products ?? []).flatMap((product) =>
  Object.entries(product.stock ?? {}).map(([warehouse, onHand]) => ({ sku: product.sku, warehouse, onHand })),
);
const slot = (sku: string, warehouse: string): string => `${sku}/${warehouse}`;
/** On hand as the WMS last reported it. */
const wmsOnHand = new Map(seedStock.map((c) => [slot(c.sku, c.warehouse), c.onHand]));
/** What the scarce SKU had before the WMS made it scarce; undefined while it is not. */
let beforeScarcity: StockCount[] | undefined;
let wmsEvents = 0;

/** The latest inventory.availability record per key (warehouse/<wh>/<sku>, channel/<partner>/<sku>). */
const availability = new Map<string, StockAvailability>();
const seedSkus = new Set(seedStock.map((c) => c.sku));
const warehouseAvailability = (sku: string, warehouse: string): StockAvailability | undefined =>
  availability.get(`warehouse/${warehouse}/${sku}`);

/** Follows inventory.availability from `from` on (a group of its own), for the seed's SKUs. */
async function followAvailability(from: number): Promise<() => Promise<void>> {
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: `tradewind-demo-${run}` });
  const serde = new AvroSerde({ registryUrl });
  const groupId = `tradewind-demo-availability-${run}`;
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.inventoryAvailability });
  await startNewGroupAt(kafka, consumer, groupId, TOPICS.inventoryAvailability, from);
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key === null || message.value === null) return;
      const key = message.key.toString();
      if (!seedSkus.has(key.slice(key.lastIndexOf('/') + 1))) return;
      const { value } = await serde.decode<StockAvailability>(message.value);
      const seen = availability.get(key);
      if (seen === undefined || Number(value.sequence) >= Number(seen.sequence)) availability.set(key, value);
    },
  });
  return () => consumer.disconnect();
}

/** The latest stock-feed value each channel was sent per SKU (partners.outbound, JSON feeds), with the one before. */
const fed = new Map<string, { quantity: number; compareQuantity: number | null }>();

/** Follows the channels' stock feeds on partners.outbound from `from` on (decision 0021). */
async function followFeeds(from: number): Promise<() => Promise<void>> {
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: `tradewind-demo-feeds-${run}` });
  const serde = new AvroSerde({ registryUrl });
  const groupId = `tradewind-demo-feeds-${run}`;
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.partnersOutbound });
  await startNewGroupAt(kafka, consumer, groupId, TOPICS.partnersOutbound, from);
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value === null) return;
      const { value } = await serde.decode<OutboundDocument>(message.value);
      if (value.documentType !== 'stock-feed' || value.format !== 'json') return;
      const feed = JSON.parse(Buffer.from(value.payload).toString('utf8')) as {
        quantities: { sku: string; quantity: number; compareQuantity: number | null }[];
      };
      for (const q of feed.quantities) fed.set(`${value.partnerId}/${q.sku}`, q);
    },
  });
  return () => consumer.disconnect();
}

async function submitStock(document: StockDocument, what: string): Promise<boolean> {
  const result = await client.submit(document, { idempotencyKey: document.references.join('+') });
  const body = result.body as { title?: string; detail?: string };
  const outcome =
    result.status === 202 ? '202 accepted' : `${result.status} ${body.title ?? ''} ${body.detail ?? ''}`;
  console.log(`→ ${WMS.padEnd(11)} ${document.documentType.padEnd(36)} ${outcome.trimEnd()}  ${what}`);
  return result.status === 202;
}

/** Sends the WMS's events and remembers what it reported. */
async function sendStockEvents(counts: StockCount[], reason: string, what: string): Promise<void> {
  const eventTime = new Date();
  const events = counts.map((c) => ({ ...c, eventId: `nw-evt-${run}-${++wmsEvents}`, eventTime, reason }));
  if (await submitStock(northwindStockEvents(events), what))
    for (const c of counts) wmsOnHand.set(slot(c.sku, c.warehouse), c.onHand);
}

/** The seed's stock as one WMS snapshot; waits until inventory-sync published availability for it. */
async function sendSnapshot(): Promise<void> {
  const asOf = new Date();
  const sent = await submitStock(
    northwindStockSnapshot(`nw-snap-${run}`, asOf, seedStock),
    `the seed's stock: ${seedStock.length} SKU and warehouse counts`,
  );
  const deadline = Date.now() + 60_000;
  const applied = (): boolean =>
    seedStock.every((c) => Number(warehouseAvailability(c.sku, c.warehouse)?.asOf ?? 0) >= asOf.getTime());
  while (sent && !applied() && Date.now() < deadline) await sleep(250);
  console.log(
    applied()
      ? '   inventory-sync applied the snapshot (inventory.availability)\n'
      : '   inventory-sync has not published availability for the snapshot yet: orders may be refused\n',
  );
}

/** A count that leaves 3 units of the scarce SKU free (none in EAST): its next orders are refused. */
async function makeScarce(): Promise<void> {
  const counts = seedStock.filter((c) => c.sku === SCARCE_SKU);
  beforeScarcity = counts.map((c) => ({ ...c, onHand: wmsOnHand.get(slot(c.sku, c.warehouse)) ?? c.onHand }));
  const scarce = counts.map((c) => ({
    ...c,
    onHand:
      Number(warehouseAvailability(c.sku, c.warehouse)?.reserved ?? 0) + (c.warehouse === 'MAIN' ? 3 : 0),
  }));
  await sendStockEvents(
    scarce,
    'count',
    `${SCARCE_SKU} counted short: 3 units free, its next orders are refused`,
  );
}

async function restoreScarce(): Promise<void> {
  if (beforeScarcity === undefined) return;
  const counts = beforeScarcity;
  beforeScarcity = undefined;
  await sendStockEvents(
    counts,
    'receipt',
    `${SCARCE_SKU} back to ${counts.map((c) => `${c.warehouse} ${c.onHand}`).join(', ')}`,
  );
}

/** Receives goods where less than a fifth of the seed's stock is free (orders reserve, nothing ships). */
async function replenish(): Promise<void> {
  const low = seedStock.filter((c) => {
    if (c.sku === SCARCE_SKU && beforeScarcity !== undefined) return false;
    const level = warehouseAvailability(c.sku, c.warehouse);
    return level !== undefined && Number(level.available) < c.onHand / 5;
  });
  if (low.length === 0) return;
  const counts = low.map((c) => ({
    ...c,
    onHand: (wmsOnHand.get(slot(c.sku, c.warehouse)) ?? 0) + c.onHand,
  }));
  await sendStockEvents(
    counts,
    'receipt',
    `goods received: ${counts.map((c) => `${c.sku} ${c.warehouse} → ${c.onHand}`).join(', ')}`,
  );
}

function stockLine(sku: string): string {
  const warehouses = seedStock
    .filter((c) => c.sku === sku)
    .map((c) => {
      const level = warehouseAvailability(sku, c.warehouse);
      return level === undefined
        ? `${c.warehouse} ?`
        : `${c.warehouse} ${level.available} free of ${level.onHand} (${level.reserved} reserved)`;
    });
  const channels = [...availability.values()]
    .filter((a) => a.sku === sku && a.channelId !== null)
    .map((a) => `${a.channelId} ${a.channelQuantity ?? 0}`)
    .sort();
  const feeds = [...fed]
    .filter(([key]) => key.endsWith(`/${sku}`))
    .map(([key, q]) => `${key.split('/')[0]} ${q.compareQuantity ?? '–'} → ${q.quantity}`)
    .sort();
  return (
    `   ${sku}: ${warehouses.join(' · ')}; channels: ${channels.join(' · ') || 'none yet'}` +
    (feeds.length === 0 ? '' : `\n     last stock feed sent (partners.outbound): ${feeds.join(' · ')}`)
  );
}

// --- The orders. ---

interface Tracked {
  partnerId: string;
  po: string;
  status: string;
  /** Refused for stock and shown with its acknowledgement (or looked at for long enough). */
  done?: boolean;
  polls?: number;
}

const tracked = new Map<string, Tracked>();

async function submit(document: PartnerDocument, label: string): Promise<void> {
  const result = await client.submit(document, {
    idempotencyKey: `${document.poNumbers.join('+')}-${label}`,
  });
  const body = result.body as { trackingIds?: string[]; title?: string; detail?: string };
  const what = `${document.partnerId.padEnd(11)} ${document.poNumbers.join(', ').padEnd(36)}`;
  if (result.status === 202 && body.trackingIds) {
    body.trackingIds.forEach((id, i) =>
      tracked.set(id, {
        partnerId: document.partnerId,
        po: document.poNumbers[i] ?? '?',
        status: 'received',
      }),
    );
    const notes = document.variants.filter((v) => v !== 'ok');
    console.log(
      `→ ${what} 202 accepted ${label}${notes.length ? `  (will be rejected: ${notes.join(', ')})` : ''}`,
    );
  } else {
    console.log(`→ ${what} ${result.status} ${body.title ?? ''} ${body.detail ?? ''}`.trimEnd());
  }
}

async function odooCount(domain: unknown[]): Promise<number | string> {
  try {
    const response = await fetch(`${odooUrl}/json/2/sale.order/search_count`, {
      method: 'POST',
      headers: {
        authorization: `bearer ${odooKey}`,
        'x-odoo-database': odooDb,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ domain }),
    });
    return response.ok ? ((await response.json()) as number) : `HTTP ${response.status}`;
  } catch (error) {
    return `unreachable (${(error as Error).message})`;
  }
}

interface TransactionBody {
  status?: string;
  rejectionReasons?: { code: string; message: string }[];
  acknowledgements?: { documentType: string; format: string; content?: string }[];
}

/** The refusal for stock and the acknowledgement the partner got (its lines that carry the reason). */
function showStockRefusal(t: Tracked, body: TransactionBody): void {
  const reasons = (body.rejectionReasons ?? []).filter((r) => r.code === 'INSUFFICIENT_STOCK');
  console.log(
    `✗ ${t.partnerId.padEnd(11)} ${t.po.padEnd(36)} rejected: ${reasons.map((r) => `${r.code} (${r.message})`).join('; ')}`,
  );
  for (const ack of body.acknowledgements ?? []) {
    console.log(`    acknowledgement (${ack.documentType}, ${ack.format}): ${ackExcerpt(ack.content ?? '')}`);
  }
}

/** A JSON acknowledgement's status and the lines that carry reasons; other formats as sent, cut short. */
function ackExcerpt(content: string): string {
  try {
    const ack = JSON.parse(content) as { status?: string; lines?: { reasons?: unknown[] }[] };
    const lines = (ack.lines ?? []).filter((line) => (line.reasons ?? []).length > 0);
    return `status ${ack.status}, lines ${JSON.stringify(lines)}`.slice(0, 600);
  } catch {
    return content.replace(/\s+/g, ' ').slice(0, 300);
  }
}

async function refreshStatuses(): Promise<void> {
  const open = [...tracked].filter(([, t]) => !t.done).slice(-80);
  await Promise.all(
    open.map(async ([id, t]) => {
      const result = await client.get(t.partnerId, `/v1/transactions/${id}`);
      const body = result.body as TransactionBody;
      if (result.status !== 200 || !body.status) return;
      t.status = body.status;
      t.polls = (t.polls ?? 0) + 1;
      const forStock = (body.rejectionReasons ?? []).some((r) => r.code === 'INSUFFICIENT_STOCK');
      if (forStock && ((body.acknowledgements ?? []).length > 0 || t.polls > 5)) {
        showStockRefusal(t, body);
        t.done = true;
      } else if (!forStock && ['acknowledged', 'rejected'].includes(t.status)) t.done = true;
    }),
  );
}

interface ReconciliationRunView {
  report: {
    verdict: string;
    checksum: string;
    partners: {
      partnerId: string;
      workflow: string;
      expectedInOdoo: number;
      matchedInOdoo: number;
      discrepancies: Record<string, number>;
    }[];
  };
}

/** Reconciles the current window now (the reconciler also does so every few minutes) and says its verdict. */
async function reconciliationLine(): Promise<string> {
  const start = new Date(Math.floor(Date.now() / reconcilerWindowMs) * reconcilerWindowMs).toISOString();
  try {
    const response = await fetch(`${reconcilerUrl}/v1/reconciliation/windows/${start}/runs`, {
      method: 'POST',
    });
    if (!response.ok) return `   reconciliation: HTTP ${response.status}`;
    const { report } = (await response.json()) as ReconciliationRunView;
    // Per workflow (sales orders, purchase orders, shipments), each partner's matched of expected in Odoo.
    const workflows = new Map<string, string[]>();
    for (const p of report.partners) {
      const found = Object.entries(p.discrepancies)
        .filter(([, n]) => n > 0)
        .map(([kind, n]) => `${kind} ${n}`);
      const line = `${p.partnerId} ${p.matchedInOdoo}/${p.expectedInOdoo}${found.length ? ` (${found.join(', ')})` : ''}`;
      workflows.set(p.workflow, [...(workflows.get(p.workflow) ?? []), line]);
    }
    const legs = [...workflows].map(([workflow, lines]) => `\n     ${workflow}: ${lines.join(' · ')}`);
    return `   reconciliation of the window from ${start}: ${report.verdict} (checksum ${report.checksum.slice(0, 12)}), matched/expected in Odoo:${legs.join('')}`;
  } catch (error) {
    return `   reconciliation: unreachable (${(error as Error).message})`;
  }
}

/** What partner-delivery delivered to the demo partners' endpoints (tools/demo/partner-endpoints.ts). */
async function deliveriesLine(): Promise<string> {
  try {
    const response = await fetch(partnerEndpointsUrl, { signal: AbortSignal.timeout(2_000) });
    const counts = (await response.json()) as Record<string, { delivered: number; resends: number }>;
    const parts = Object.entries(counts).map(([partner, c]) => `${partner} ${c.delivered}`);
    return `   delivered to partners (partner-delivery → their webhooks / SFTP): ${parts.join(', ')}`;
  } catch {
    return `   delivered to partners: no partner endpoints at ${partnerEndpointsUrl}`;
  }
}

let finance: FinanceDemo | void;
let purchasing: PurchasingDemo | void;

async function summary(): Promise<void> {
  await refreshStatuses();
  const byStatus = new Map<string, number>();
  for (const t of tracked.values()) byStatus.set(t.status, (byStatus.get(t.status) ?? 0) + 1);
  const statuses = [...byStatus].map(([s, n]) => `${s} ${n}`).join(' · ');
  const confirmed = await odooCount([
    ['client_order_ref', 'ilike', `-${run}-`],
    ['state', '=', 'sale'],
  ]);
  console.log(`\n   orders this run: ${tracked.size} (${statuses || 'none yet'})`);
  console.log(`   confirmed sale orders in Odoo from this run: ${confirmed}   (${odooUrl})`);
  console.log('   stock (inventory.availability; free = on hand − reserved − safety stock):');
  for (const sku of SHOWN_SKUS) console.log(stockLine(sku));
  console.log(await reconciliationLine());
  console.log(await deliveriesLine());
  console.log(await shipments.summaryLine());
  if (finance) console.log(await finance.summaryLine());
  if (purchasing)
    console.log(
      await purchasing.summaryLine().catch((error: Error) => `   supplier bills: ? (${error.message})`),
    );
  console.log();
}

async function main(): Promise<void> {
  console.log(`demo traffic → ${gatewayUrl} (run ${run}); Ctrl-C stops`);
  let stopping = false;
  process.once('SIGINT', () => (stopping = true));
  process.once('SIGTERM', () => (stopping = true));
  const stopFollowing = await followAvailability(Date.now());
  const stopFeeds = await followFeeds(Date.now());
  // Purchase orders to a supplier and its answers, every fifth turn (tools/demo/purchasing.ts).
  purchasing = await startPurchasingDemo({
    client,
    odoo: { url: odooUrl, db: odooDb, apiKey: env.ODOO_API_KEY ?? '' },
    kafkaBrokers,
    registryUrl,
    run,
    // The WMS counts what it received: on hand as it last reported it plus the receipt.
    receivedAtWms: (received, what) =>
      sendStockEvents(
        received.map((r) => ({
          sku: r.sku,
          warehouse: r.warehouse,
          onHand: (wmsOnHand.get(slot(r.sku, r.warehouse)) ?? 0) + r.quantity,
        })),
        'receipt',
        what,
      ),
  }).catch((error: Error) => console.log(`→ purchasing demo not started: ${error.message}`));
  // Invoices for confirmed orders and the bank's statement paying them, every sixth turn (tools/demo/finance.ts).
  finance = await startFinanceDemo({
    client,
    odoo: { url: odooUrl, db: odooDb, apiKey: env.ODOO_API_KEY ?? '' },
    kafkaBrokers,
    registryUrl,
    run,
  }).catch((error: Error) => void console.log(`→ finance demo not started: ${error.message}`));
  await sendSnapshot().catch((error: Error) => console.log(`→ ${WMS} failed: ${error.message}`));
  for (let turn = 0; !stopping && (count === 0 || turn < count); turn++) {
    const wms = turn % 40 === 12 ? makeScarce : turn % 40 === 24 ? restoreScarce : undefined;
    await wms?.().catch((error: Error) => console.log(`→ ${WMS} failed: ${error.message}`));
    const document = nextDocument(turn);
    await submit(document, '').catch((error: Error) =>
      console.log(`→ ${document.partnerId} failed: ${error.message}`),
    );
    if (turn % 10 === 9) {
      // A partner retrying a whole document with a new idempotency key: no second sale order.
      await submit(document, '(resubmitted: duplicate)').catch(() => undefined);
    }
    // The 3PL ships confirmed orders of this run; the carrier reports each shipment step by step.
    await shipments.turn(turn).catch((error: Error) => console.log(`→ shipments failed: ${error.message}`));
    if (purchasing && turn % 5 === 2) {
      await purchasing.turn().catch((error: Error) => console.log(`→ purchasing failed: ${error.message}`));
    }
    if (finance && turn % 6 === 3) {
      await finance.turn().catch((error: Error) => console.log(`→ finance failed: ${error.message}`));
    }
    if (turn % 6 === 5) {
      await summary();
      await replenish().catch((error: Error) => console.log(`→ ${WMS} failed: ${error.message}`));
    }
    await sleep(intervalMs);
  }
  // Ctrl-C reaches the whole process group: Odoo and the services are stopping too, so the last
  // summary printed stands. After DEMO_COUNT submissions they are up: one more once the orders settle.
  if (!stopping) {
    await sleep(3_000);
    await summary();
  }
  await stopFollowing();
  await stopFeeds();
  await purchasing?.stop();
  await finance?.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
