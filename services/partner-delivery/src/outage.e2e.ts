// e2e-lane: isolated (a catalog of test partners only: other runs' documents are unroutable to it)
// The figure: a customer's webhook endpoint down for 60 s, then back, while documents keep coming
// for it and for another partner. Every notice reaches the customer once (its receiver keeps each by its
// Idempotency-Key and sees no duplicate), in order per shipment (the ordering key); none is dead-lettered;
// and every document of the other partner published during the outage was delivered before the customer's
// endpoint came back. Real Kafka, registry, PostgreSQL and HTTP receivers; about 85 s.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { DeliveryOutcome, type OutboundDocument, TOPICS } from '@tradewind/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '@tradewind/partner-testing';
import { expectEventually } from '@tradewind/testing';

import {
  deliveryEnv,
  DeliveryHarness,
  outboundDocument,
  testCatalogDir,
  testPartnerId,
} from './test/delivery-harness';

const OUTAGE_MS = Number(process.env.TW_DELIVERY_OUTAGE_MS ?? 60_000);
const customer = testPartnerId('cust');
const other = testPartnerId('other');
const secret = (id: string) => `${id}-signing-secret-for-tests-0123456789`;
const envName = (id: string) => `TW_${id.replace(/-/g, '_').toUpperCase()}_DELIVERY`;

describe(`partner-delivery: a customer endpoint down for ${OUTAGE_MS / 1000} s`, () => {
  const h = DeliveryHarness.create('outage');
  let down: WebhookReceiver;
  let up: WebhookReceiver;
  let catalogDir: string;

  before(async () => {
    down = await startWebhookReceiver({
      signer: { keyId: `tw-${customer}`, signingSecret: secret(customer) },
    });
    up = await startWebhookReceiver({ signer: { keyId: `tw-${other}`, signingSecret: secret(other) } });
    const endpoint = (id: string) => `
  ${id}:
    endpoints:
      - id: hooks
        documentTypes: ['*']
        webhook:
          url: https://${id}.example/hooks/tradewind
          signingKeyId: tw-${id}
          signingSecretRef: 'env:${envName(id)}'`;
    catalogDir = testCatalogDir(
      [{ id: customer }, { id: other }],
      `version: 1
defaults:
  timeoutMs: 2000
  # Few attempts: the outage must be held by the breaker, not outlived by the retry budget.
  retry: { maxAttempts: 4, initialDelayMs: 250, maxDelayMs: 5000 }
  breaker: { volumeThreshold: 3, resetTimeoutMs: 5000 }
partners:${endpoint(customer)}${endpoint(other)}
`,
    );
    await h.start(
      deliveryEnv({
        serviceName: h.serviceName,
        schema: h.schema,
        catalogDir,
        overrides: { [`${customer}/hooks`]: { url: down.url }, [`${other}/hooks`]: { url: up.url } },
        extra: { [envName(customer)]: secret(customer), [envName(other)]: secret(other) },
      }),
    );
  });

  after(async () => {
    await h.cleanup(catalogDir);
    await down?.close();
    await up?.close();
  });

  it('delivers every notice once, in order per shipment, and the other partner meanwhile', async () => {
    const since = await h.topicEnd(TOPICS.partnersDeliveryResults);
    await down.down();
    const outageStarted = Date.now();
    const notices: OutboundDocument[] = [];
    const others: OutboundDocument[] = [];
    // A notice per shipment milestone and a document for the other partner every second of the outage.
    for (let second = 0; Date.now() - outageStarted < OUTAGE_MS - 5_000; second++) {
      const notice = outboundDocument(customer, 'shipment-notice', { orderingKey: `shipment-${second % 5}` });
      const doc = outboundDocument(other, 'order-ack');
      notices.push(notice);
      others.push(doc);
      await h.publish([notice, doc]);
      await sleep(1_000);
    }
    await expectEventually(() => assert.equal(up.received.length, others.length), {
      timeoutMs: 10_000,
      description: "the other partner's documents, during the outage",
    });
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
    // Still down: nothing of the customer's arrived, everything of the other partner's did.
    assert.equal(down.received.length, 0);
    assert.equal(up.received.length, others.length);
    await down.up();

    await expectEventually(() => assert.equal(down.received.length, notices.length), {
      timeoutMs: 30_000,
      description: "the customer's notices after the outage",
    });
    assert.equal(down.duplicates, 0);
    assert.equal(down.badSignatures + up.badSignatures, 0);
    for (let k = 0; k < 5; k++) {
      const sent = notices.filter((n) => n.orderingKey === `shipment-${k}`).map((n) => n.outboundId);
      assert.deepEqual(
        down.received.map((r) => r.deliveryId).filter((id) => sent.includes(id)),
        sent,
        `shipment-${k} in order`,
      );
    }
    await expectEventually(async () => {
      const results = await h.results(since, customer);
      assert.equal(results.filter((r) => r.outcome === DeliveryOutcome.Delivered).length, notices.length);
      assert.equal(results.filter((r) => r.outcome === DeliveryOutcome.DeadLettered).length, 0);
    });
    const failed = (await h.results(since, customer)).filter(
      (r) => r.outcome === DeliveryOutcome.Failed,
    ).length;
    process.stdout.write(
      `# ${notices.length} notices held for ${OUTAGE_MS / 1000} s, ${failed} failed attempts (breaker trials), ${others.length} other documents delivered meanwhile\n`,
    );
  });
});
