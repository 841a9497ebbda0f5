// Shipment events per second through the milestone state machine (issue 10's figures), in one process:
//  1. baseline: the pure fold (foldMilestones) over each shipment's whole history, no I/O;
//  2. ShipmentsCore against the real PostgreSQL: one transaction per document (inbox, row lock, event
//     insert, fold of the stored history, state and messages in the outbox), shuffled, 10% duplicates;
//  3. latency from a carrier's event on ingress.documents to the customer's notice on partners.outbound,
//     through the running service (consumer, outbox relay) on the real Kafka (p50/p99).
// Prints figures; asserts nothing about time.
// Usage (./tradewind bench finds it here, beside the service's tests): ./tradewind bench shipments [shipments=300] [concurrency=8] [latencySamples=200]
import { availableParallelism } from 'node:os';

import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tradewind/config';
import { type OutboundDocument, ShipmentMilestone, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { AvroSerde, createKafka, TypedProducer } from '@tradewind/messaging';
import { configureLogging } from '@tradewind/observability';
import { loadPartnerCatalog } from '@tradewind/partner-catalog';
import { asIngressDocuments, planShipments, swiftTracking } from '@tradewind/partner-testing';
import { createDataSource, Inbox, OutboxWriter, persistenceMigrations } from '@tradewind/persistence';
import { newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import { Client } from 'pg';

import { AppModule } from '../app.module';
import { readShipmentDocument } from '../intake/shipment-documents.reader';
import { foldMilestones } from '../milestones/milestone-machine';
import { shipmentsConfig } from '../shipments.config';
import { ShipmentsCore } from '../shipments.core';
import { CreateShipments1769000000000 } from '../store/shipments.migration';

configureLogging({ level: 'warn' });
const SHIPMENTS = Number(process.argv[2] ?? 300);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const SAMPLES = Number(process.argv[4] ?? 200);
const stack = testStack();

const pct = (sorted: number[], q: number): string =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

async function main(): Promise<void> {
  const catalog = loadPartnerCatalog('config/partners');
  const plans = planShipments(SHIPMENTS);
  const records = plans.flatMap((p) => p.documents.flatMap((d) => asIngressDocuments(d)));
  const traffic = shuffled([...records, ...shuffled([...records]).slice(0, Math.floor(records.length / 10))]);
  console.log(
    `shipments: ${SHIPMENTS} shipments, ${records.length} events + ${traffic.length - records.length} duplicates, concurrency ${CONCURRENCY}, ${availableParallelism()} cores`,
  );

  // 1. The fold alone, as the core runs it: each event folds its shipment's history so far again.
  const byShipment = new Map<string, { eventKey: string; milestone: ShipmentMilestone; eventAt: number }[]>();
  const canonical = traffic.flatMap((r) => readShipmentDocument(r, catalog));
  let t0 = performance.now();
  for (const input of canonical) {
    const id = `${input.identity.carrier}/${input.identity.trackingNumber}/${input.identity.shipDate}`;
    const history = byShipment.get(id) ?? [];
    for (const e of input.events) if (!history.some((h) => h.eventKey === e.eventKey)) history.push(e);
    byShipment.set(id, history);
    foldMilestones(history);
  }
  let s = (performance.now() - t0) / 1000;
  console.log(
    `baseline  pure fold (no I/O)          ${(traffic.length / s).toFixed(0).padStart(8)} events/s`,
  );

  // 2. ShipmentsCore on the real PostgreSQL.
  const schema = uniqueName('shipments_bench');
  const ds = await createDataSource({
    url: stack.databaseUrl,
    schema,
    applicationName: 'shipments-bench',
    poolSize: CONCURRENCY,
    logging: false,
    migrations: [...persistenceMigrations, CreateShipments1769000000000],
  });
  try {
    const core = new ShipmentsCore(ds, new Inbox(), new OutboxWriter(), catalog, {
      consumerGroup: 'shipments-bench',
      serviceName: 'shipments-bench',
    });
    const latencies: number[] = [];
    const outcomes = new Map<string, number>();
    let next = 0;
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < traffic.length) {
          const record = traffic[next++];
          const t = performance.now();
          const outcome = await core.onDocument(record, {}, { topic: 'bench', partition: 0, offset: '0' });
          latencies.push(performance.now() - t);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
      }),
    );
    s = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `core      PostgreSQL, per document     ${(traffic.length / s).toFixed(0).padStart(8)} events/s, p50 ${pct(latencies, 0.5)} ms, p99 ${pct(latencies, 0.99)} ms (${[...outcomes].map(([o, n]) => `${o} ${n}`).join(', ')})`,
    );
  } finally {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  }

  // 3. Carrier event → customer notice through the running service on Kafka.
  const serviceName = uniqueName('shipments-bench');
  const appSchema = uniqueName('shipments_bench_app');
  const config = loadConfig(shipmentsConfig, {
    SERVICE_NAME: serviceName,
    SOURCE_SYSTEM: serviceName,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    DATABASE_URL: stack.databaseUrl,
    DATABASE_SCHEMA: appSchema,
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
  });
  const app = await NestFactory.create(AppModule.forRoot(config.values), { logger: false });
  await app.listen(0, '127.0.0.1');
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `${serviceName}-reader` });
  const serde = new AvroSerde({ registryUrl: stack.registryUrl });
  const reader = kafka.consumer({ groupId: `${serviceName}-reader` });
  const sentAt = new Map<string, number>();
  const noticeLatency: number[] = [];
  try {
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(TOPICS.partnersOutbound);
    await admin.disconnect();
    await reader.connect();
    await reader.subscribe({ topics: [TOPICS.partnersOutbound] });
    await reader.run({
      eachMessage: async ({ message }) => {
        if (message.value === null) return;
        const { value } = await serde.decode<OutboundDocument>(message.value);
        const id = value.outboundId.split(':')[1];
        const sent = id === undefined ? undefined : sentAt.get(id);
        if (sent !== undefined && value.outboundId.endsWith(':out_for_delivery'))
          noticeLatency.push(Date.now() - sent);
      },
    });
    for (const { partition, offset } of ends)
      reader.seek({ topic: TOPICS.partnersOutbound, partition, offset });
    const producer: TypedProducer<TopicValueMap> = app.get(TypedProducer);
    // Each shipment's ship notice first (the customer is known), then, once settled, one carrier event.
    const latencyPlans = planShipments(SAMPLES, { customers: ['acme-portal'] });
    for (const plan of latencyPlans)
      await producer.send(
        TOPICS.ingressDocuments,
        asIngressDocuments(plan.documents[0]).map((value) => ({ key: plan.shipmentId, value })),
      );
    await new Promise((r) => setTimeout(r, 5_000));
    for (const plan of latencyPlans) {
      const [value] = asIngressDocuments(
        swiftTracking(
          plan,
          `${plan.shipmentRef}-ofd`,
          'out_for_delivery',
          Date.parse(`${plan.shipDate}T18:00:00Z`),
        ),
      );
      sentAt.set(plan.shipmentId, Date.now());
      await producer.send(TOPICS.ingressDocuments, [{ key: plan.shipmentId, value }]);
      await new Promise((r) => setTimeout(r, 20));
    }
    const deadline = Date.now() + 30_000;
    while (noticeLatency.length < SAMPLES && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    noticeLatency.sort((a, b) => a - b);
    console.log(
      noticeLatency.length === 0
        ? 'latency   no notice arrived'
        : `latency   carrier event → notice     ${String(noticeLatency.length).padStart(8)} notices, p50 ${pct(noticeLatency, 0.5)} ms, p99 ${pct(noticeLatency, 0.99)} ms (ingress.documents → partners.outbound, one event every 20 ms)`,
    );
  } finally {
    await reader.disconnect();
    await app.close();
    // A plain client: a data source on `public` would leave its migrations table there.
    const client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${appSchema}" CASCADE`);
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
