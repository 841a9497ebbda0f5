// Webhook delivery on the real Kafka, registry and PostgreSQL, to real HTTP receivers that verify our
// signature and keep each document once by its Idempotency-Key:
// - a partner whose endpoint is down (connections refused) gets every document once, in order per
//   ordering key, after it is back; its documents are held (never dead-lettered, with maxAttempts 3),
//   and another partner's documents are all delivered while it is still down;
// - hostile or misconfigured endpoints (hanging, 500s, a 64 MiB answer, TLS against plain HTTP, a refused
//   port, a 400 refusal) never hold a healthy partner's documents; the refused ones are dead-lettered
//   after their attempts, to ops.exceptions and partners.delivery-results.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { DeliveryOutcome, type DeliveryResult, TOPICS } from '@tradewind/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '@tradewind/partner-testing';
import { expectEventually, freePort } from '@tradewind/testing';

import {
  deliveryEnv,
  DeliveryHarness,
  outboundDocument,
  testCatalogDir,
  testPartnerId,
} from './test/delivery-harness';

const healthy = testPartnerId('ok');
const flaky = testPartnerId('down');
const hostile = testPartnerId('bad');
const secret = (id: string) => `${id}-signing-secret-for-tests-0123456789`;
const signer = (id: string) => ({ keyId: `tw-${id}`, signingSecret: secret(id) });
const envName = (id: string) => `TW_${id.replace(/-/g, '_').toUpperCase()}_DELIVERY`;

const HOSTILE_TYPES = ['h-hang', 'h-huge', 'h-500', 'h-tls', 'h-refused', 'h-400'] as const;

function webhook(partner: string, id: string, types: string[], extra = ''): string {
  return `
      - id: ${id}
        documentTypes: [${types.join(', ')}]
        webhook:
          url: https://${partner}.example/hooks/tradewind
          signingKeyId: tw-${partner}
          signingSecretRef: 'env:${envName(partner)}'${extra}`;
}

describe('partner-delivery: webhooks, outages and hostile endpoints (real stack)', () => {
  const h = DeliveryHarness.create('webhook');
  const receivers: Record<string, WebhookReceiver> = {};
  let catalogDir: string;

  before(async () => {
    receivers.ok = await startWebhookReceiver({ signer: signer(healthy) });
    receivers.down = await startWebhookReceiver({ signer: signer(flaky) });
    for (const type of ['h-hang', 'h-huge', 'h-500', 'h-400'] as const) {
      receivers[type] = await startWebhookReceiver({ signer: signer(hostile) });
    }
    receivers['h-hang'].mode = 'hang';
    receivers['h-huge'].mode = 'huge-response';
    receivers['h-500'].mode = 'error-500';
    receivers['h-400'].mode = 'reject-400';
    catalogDir = testCatalogDir(
      [{ id: healthy }, { id: flaky }, { id: hostile }],
      `version: 1
defaults:
  concurrency: 2
  timeoutMs: 1000
  retry: { maxAttempts: 50, initialDelayMs: 100, maxDelayMs: 1000 }
  breaker: { errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeoutMs: 1000, rollingCountTimeoutMs: 5000 }
partners:
  ${healthy}:
    endpoints:${webhook(healthy, 'hooks', ["'*'"])}
  ${flaky}:
    endpoints:${webhook(flaky, 'hooks', ["'*'"], '\n        retry: { maxAttempts: 3 }')}
  ${hostile}:
    endpoints:${HOSTILE_TYPES.map((t) =>
      webhook(hostile, t, [t], t === 'h-400' ? '\n        retry: { maxAttempts: 2 }' : ''),
    ).join('')}
`,
    );
    const refusedPort = await freePort();
    const overrides: Record<string, { url: string }> = {
      [`${healthy}/hooks`]: { url: receivers.ok.url },
      [`${flaky}/hooks`]: { url: receivers.down.url },
      [`${hostile}/h-tls`]: { url: receivers.ok.url.replace('http://', 'https://') },
      [`${hostile}/h-refused`]: { url: `http://127.0.0.1:${refusedPort}/hooks/tradewind` },
    };
    for (const t of ['h-hang', 'h-huge', 'h-500', 'h-400'] as const)
      overrides[`${hostile}/${t}`] = { url: receivers[t].url };
    await h.start(
      deliveryEnv({
        serviceName: h.serviceName,
        schema: h.schema,
        catalogDir,
        overrides,
        extra: Object.fromEntries([healthy, flaky, hostile].map((id) => [envName(id), secret(id)])),
      }),
    );
  });

  after(async () => {
    await h.cleanup(catalogDir);
    await Promise.all(Object.values(receivers).map((r) => r.close()));
  });

  it("delivers a down endpoint's documents once each, in order per key, after it is back; others meanwhile", async () => {
    const since = await h.topicEnd(TOPICS.partnersDeliveryResults);
    await receivers.down.down();
    // Three orders' documents, interleaved, five each: each order's must arrive in this order.
    const flakyDocs = Array.from({ length: 15 }, (_, i) =>
      outboundDocument(flaky, 'order-ack', { orderingKey: `order-${i % 3}` }),
    );
    const healthyDocs = Array.from({ length: 10 }, () => outboundDocument(healthy, 'order-ack'));
    await h.publish(flakyDocs.flatMap((d, i) => (i < 10 ? [d, healthyDocs[i]] : [d])));

    await expectEventually(() => assert.equal(receivers.ok.received.length, 10), {
      timeoutMs: 30_000,
      description: "the healthy partner's documents",
    });
    // The healthy partner got everything while the other endpoint was still refusing connections.
    assert.equal(receivers.down.received.length, 0);
    await expectEventually(
      async () =>
        assert.match(
          await h.metrics(),
          new RegExp(`breaker_transitions_total\\{[^}]*endpoint="${flaky}/hooks"[^}]*to="open"`),
        ),
      { timeoutMs: 15_000, description: "the down endpoint's breaker opening" },
    );
    // Several trial deliveries fail while it stays down.
    await expectEventually(
      async () =>
        assert.ok(
          (await h.results(since, flaky)).filter((r) => r.outcome === DeliveryOutcome.Failed).length >= 6,
        ),
      { timeoutMs: 20_000, description: 'failed attempts while down' },
    );
    await receivers.down.up();

    await expectEventually(() => assert.equal(receivers.down.received.length, 15), {
      timeoutMs: 30_000,
      description: "the recovered partner's documents",
    });
    assert.equal(receivers.down.duplicates, 0);
    assert.equal(receivers.down.badSignatures + receivers.ok.badSignatures, 0);
    assert.deepEqual(
      new Set(receivers.down.received.map((r) => r.deliveryId)),
      new Set(flakyDocs.map((d) => d.outboundId)),
    );
    for (const key of ['order-0', 'order-1', 'order-2']) {
      const sent = flakyDocs.filter((d) => d.orderingKey === key).map((d) => d.outboundId);
      const got = receivers.down.received.map((r) => r.deliveryId).filter((id) => sent.includes(id));
      assert.deepEqual(got, sent, `order of ${key}`);
    }
    await expectEventually(async () => {
      const results = await h.results(since, flaky);
      const delivered = results.filter((r) => r.outcome === DeliveryOutcome.Delivered);
      assert.equal(delivered.length, 15);
      assert.equal(new Set(delivered.map((r) => r.outboundId)).size, 15);
      // An outage is held, not dead-lettered, though maxAttempts is 3.
      assert.equal(results.filter((r) => r.outcome === DeliveryOutcome.DeadLettered).length, 0);
      assert.ok(delivered.every((r) => r.channel === 'webhook' && r.httpStatus === 200));
    });
    const rows = await h.query<{ state: string; n: string }>(
      `SELECT state, count(*) AS n FROM deliveries WHERE partner_id = $1 GROUP BY state`,
      [flaky],
    );
    assert.deepEqual(
      rows.map((r) => [r.state, Number(r.n)]),
      [['delivered', 15]],
    );
  });

  it('never lets a hanging, failing, oversized, TLS-broken, refused or refusing endpoint hold a healthy partner', async () => {
    const since = await h.topicEnd(TOPICS.partnersDeliveryResults);
    const exceptionsSince = await h.topicEnd(TOPICS.opsExceptions);
    const before = receivers.ok.received.length;
    const hostileDocs = HOSTILE_TYPES.flatMap((t) =>
      Array.from({ length: 4 }, () => outboundDocument(hostile, t)),
    );
    const healthyDocs = Array.from({ length: 20 }, () => outboundDocument(healthy, 'order-ack'));
    await h.publish([...hostileDocs, ...healthyDocs]);

    await expectEventually(() => assert.equal(receivers.ok.received.length - before, 20), {
      timeoutMs: 30_000,
      description: "the healthy partner's documents",
    });
    assert.equal(receivers.ok.duplicates, 0);
    for (const t of ['h-hang', 'h-huge', 'h-500', 'h-400'] as const)
      assert.equal(receivers[t].received.length, 0, t);

    await expectEventually(
      async () => {
        const results = await h.results(since, hostile);
        const byType = (t: string, outcome: DeliveryResult['outcome']) =>
          results.filter((r) => r.documentType === t && r.outcome === outcome);
        assert.equal(byType('h-400', DeliveryOutcome.DeadLettered).length, 4);
        for (const t of HOSTILE_TYPES)
          assert.ok(byType(t, DeliveryOutcome.Failed).length >= 1, `${t} has failed attempts`);
        assert.ok(byType('h-huge', DeliveryOutcome.Failed).every((r) => r.httpStatus === 503));
        assert.ok(byType('h-500', DeliveryOutcome.Failed).every((r) => r.httpStatus === 500));
        assert.ok(byType('h-400', DeliveryOutcome.Failed).every((r) => r.httpStatus === 400));
        assert.ok(
          byType('h-refused', DeliveryOutcome.Failed).every((r) => /ECONNREFUSED/.test(r.error ?? '')),
        );
        assert.ok(results.every((r) => r.outcome !== DeliveryOutcome.Delivered));
      },
      { timeoutMs: 30_000, description: "the hostile endpoints' results" },
    );
    const exceptions = await h.exceptions(exceptionsSince, hostile);
    assert.equal(exceptions.filter((e) => e.code === 'PARTNER_DELIVERY_FAILED').length, 4);
    assert.ok(exceptions.every((e) => e.kind === 'dead_letter' && /h-400/.test(e.message)));

    const metrics = await h.metrics();
    for (const t of ['h-500', 'h-refused'])
      assert.match(
        metrics,
        new RegExp(`breaker_transitions_total\\{[^}]*endpoint="${hostile}/${t}"[^}]*to="open"`),
        t,
      );
    // A 4xx refusal is the document's, not the endpoint's: its breaker stays closed.
    assert.match(metrics, new RegExp(`breaker_state\\{[^}]*endpoint="${hostile}/h-400"[^}]*\\} 0`));
    assert.ok(metrics.includes(`tradewind_partner_delivery_pending{`));
    assert.equal((await fetch(`${await h.app!.getUrl()}/health/ready`)).status, 200);
  });
});
