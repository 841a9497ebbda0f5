// e2e-lane: isolated (a catalog of test partners only: other runs' documents are unroutable to it)
// SIGKILL of partner-delivery in the middle of a batch loses nothing: the service runs as a real process
// (main.ts), 60 documents are published, the process is killed while deliveries are in flight (sent, not
// yet recorded) and started again. Every document reaches the partner, each kept once by its
// Idempotency-Key; the resends of the in-flight ones carry the same id; each has exactly one delivered
// result and one delivered row.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { DeliveryOutcome, TOPICS } from '@tradewind/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '@tradewind/partner-testing';
import { expectEventually, startServiceProcess } from '@tradewind/testing';

import {
  deliveryEnv,
  DeliveryHarness,
  outboundDocument,
  testCatalogDir,
  testPartnerId,
} from './test/delivery-harness';

const partner = testPartnerId('kill');
const SECRET_ENV = `TW_${partner.replace(/-/g, '_').toUpperCase()}_DELIVERY`;
const secret = `${partner}-signing-secret-for-tests-0123456789`;

describe('partner-delivery: SIGKILL mid-batch (a real process)', () => {
  const h = DeliveryHarness.create('crash');
  let receiver: WebhookReceiver;
  let catalogDir: string;
  let env: Record<string, string>;
  let child: ChildProcess | undefined;

  const startProcess = async (): Promise<void> => {
    child = (await startServiceProcess({ service: 'partner-delivery', env })).child;
  };

  before(async () => {
    receiver = await startWebhookReceiver({ signer: { keyId: `tw-${partner}`, signingSecret: secret } });
    // Slow enough that several deliveries are in flight when the process dies.
    receiver.responseDelayMs = 150;
    catalogDir = testCatalogDir(
      [{ id: partner }],
      `version: 1
partners:
  ${partner}:
    endpoints:
      - id: hooks
        documentTypes: ['*']
        concurrency: 4
        timeoutMs: 1000
        retry: { maxAttempts: 20, initialDelayMs: 100, maxDelayMs: 1000 }
        webhook:
          url: https://${partner}.example/hooks/tradewind
          signingKeyId: tw-${partner}
          signingSecretRef: 'env:${SECRET_ENV}'
`,
    );
    env = deliveryEnv({
      serviceName: h.serviceName,
      schema: h.schema,
      catalogDir,
      overrides: { [`${partner}/hooks`]: { url: receiver.url } },
      extra: { [SECRET_ENV]: secret, DELIVERY_LEASE: '3s', LOG_LEVEL: 'error' },
    }) as Record<string, string>;
  });

  after(async () => {
    child?.kill('SIGKILL');
    await h.cleanup(catalogDir);
    await receiver?.close();
  });

  it('delivers every document once to the partner after a SIGKILL, resends carrying the same id', async () => {
    await startProcess();
    const since = await h.topicEnd(TOPICS.partnersDeliveryResults);
    const docs = Array.from({ length: 60 }, (_, i) =>
      outboundDocument(partner, 'order-ack', { orderingKey: `o-${i % 6}` }),
    );
    await h.publish(docs);
    await expectEventually(() => assert.ok(receiver.received.length >= 15), { timeoutMs: 60_000 });
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGKILL');
    await exited;
    const atKill = receiver.received.length;
    assert.ok(atKill < 60, 'killed before the batch was done');

    await startProcess();
    await expectEventually(() => assert.equal(receiver.received.length, 60), {
      timeoutMs: 60_000,
      description: 'every document delivered after the restart',
    });
    assert.deepEqual(
      new Set(receiver.received.map((r) => r.deliveryId)),
      new Set(docs.map((d) => d.outboundId)),
    );
    assert.equal(receiver.badSignatures, 0);
    // Order per key held across the crash.
    for (let k = 0; k < 6; k++) {
      const sent = docs.filter((d) => d.orderingKey === `o-${k}`).map((d) => d.outboundId);
      assert.deepEqual(
        receiver.received.map((r) => r.deliveryId).filter((id) => sent.includes(id)),
        sent,
      );
    }
    await expectEventually(async () => {
      const delivered = (await h.results(since, partner)).filter(
        (r) => r.outcome === DeliveryOutcome.Delivered,
      );
      assert.equal(delivered.length, 60);
      assert.equal(new Set(delivered.map((r) => r.outboundId)).size, 60);
    });
    const rows = await h.query<{ state: string; n: string }>(
      'SELECT state, count(*) AS n FROM deliveries WHERE partner_id = $1 GROUP BY state',
      [partner],
    );
    assert.deepEqual(
      rows.map((r) => [r.state, Number(r.n)]),
      [['delivered', 60]],
    );
    // What was in flight at the kill was sent again under the same id, and kept once.
    process.stdout.write(
      `# delivered before the kill: ${atKill}; resends kept once: ${receiver.duplicates}\n`,
    );
  });
});
