// Issue "Ops console", end to end in headless Chromium (Debian's chromium driven by playwright-core)
// against the real gateway, order-intake, odoo-writer (with the Odoo simulator) and ops-console processes
// on the shared Kafka, registry and PostgreSQL:
//   - a business user finds an unknown-SKU rejection, corrects the SKU and replays it: the order reaches
//     Odoo once and the partner gets the acceptance on partners.outbound;
//   - a discard with a reason;
//   - four-eyes on a money document: the requester cannot approve, another business user does;
//   - an auditor sees everything and can act on nothing (a forged form post is refused and audited);
//   - an integration engineer re-drives a dead letter back to its original topic and the order is taken.
// TW_OPS_CONSOLE_SCREENSHOTS=docs/images also writes the README's screenshots.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  type AuditEvent,
  AuditOutcome,
  DocumentFormat,
  ExceptionKind,
  type IngressDocument,
  type OpsException,
  type OutboundDocument,
  TOPIC_CATALOG,
  TOPICS,
} from '@tradewind/contracts';
import { AvroSerde, createKafka, decodeHeaders, HEADER } from '@tradewind/messaging';
import { acmeJsonOrder, PartnerClient } from '@tradewind/partner-testing';
import { expectEventually, testStack } from '@tradewind/testing';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { type Browser, chromium, type Page } from 'playwright-core';

import { E2E_PARTNER_KEYS, odooSearchRead, type RunningPlatform, startPlatform } from './platform';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PASSWORD = 'tradewind-demo';
const SCREENSHOTS = process.env.TW_OPS_CONSOLE_SCREENSHOTS;

describe('ops console in a browser, end to end', () => {
  let platform: RunningPlatform;
  let client: PartnerClient;
  let browser: Browser;
  let kafka: Kafka;
  let producer: Producer;
  let serde: AvroSerde;
  let watcher: Consumer;
  const outbound: OutboundDocument[] = [];
  const audit: AuditEvent[] = [];
  const ingress: { value: IngressDocument; headers: Record<string, string> }[] = [];
  const url = (path: string): string => `${platform.consoleUrl}${path}`;
  const stack = testStack();

  before(async () => {
    platform = await startPlatform({ opsConsole: true, without: ['inventory-sync', 'reconciler'] });
    client = new PartnerClient(platform.gatewayUrl, E2E_PARTNER_KEYS);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `ops-console-e2e-${platform.run}` });
    serde = new AvroSerde({ registryUrl: stack.registryUrl });
    producer = kafka.producer();
    await producer.connect();
    // What the partner receives, what is audited, and what reaches ingress.documents, from now on.
    watcher = kafka.consumer({ groupId: `ops-console-e2e-${platform.run}` });
    await watcher.connect();
    await watcher.subscribe({
      topics: [TOPICS.partnersOutbound, TOPICS.opsAudit, TOPICS.ingressDocuments],
      fromBeginning: false,
    });
    await watcher.run({
      eachMessage: async ({ topic, message }) => {
        if (message.value === null) return;
        const { value } = await serde.decode<unknown>(message.value);
        if (topic === TOPICS.partnersOutbound) outbound.push(value as OutboundDocument);
        else if (topic === TOPICS.opsAudit) audit.push(value as AuditEvent);
        else ingress.push({ value: value as IngressDocument, headers: decodeHeaders(message.headers) });
      },
    });
    await expectEventually(async () => assert.ok((await watcher.describeGroup()).state === 'Stable'), {
      timeoutMs: 30_000,
    });
  });

  after(async () => {
    await watcher?.disconnect();
    await producer?.disconnect();
    await browser?.close();
    await platform?.stop();
  });

  async function signIn(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(url('/exceptions'));
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/exceptions/);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    if (SCREENSHOTS !== undefined)
      await page.screenshot({ path: join(SCREENSHOTS, `ops-console-${name}.png`), fullPage: true });
  }

  /** The queue row of a business key, once the console has it (the page is reloaded until then). */
  async function openException(page: Page, key: string, query = 'state=all'): Promise<string> {
    let id: string | null = null;
    await expectEventually(
      async () => {
        await page.goto(url(`/exceptions?${query}`));
        const row = page.locator('table.queue tbody tr', { hasText: key }).first();
        id = (await row.count()) > 0 ? await row.getAttribute('data-exception-id') : null;
        assert.ok(id, `no exception for ${key} yet`);
      },
      { timeoutMs: 45_000, intervalMs: 1_000, description: `exception of ${key} in the queue` },
    );
    await page.goto(url(`/exceptions/${id!}`));
    return id!;
  }

  async function stateOf(page: Page, id: string): Promise<string> {
    await page.goto(url(`/exceptions/${id}`));
    return (await page.textContent('[data-testid=state]'))?.trim() ?? '';
  }

  it('a business user corrects an unknown SKU and replays: the order reaches Odoo once and the partner gets the acceptance', async () => {
    const po = `OPS-${platform.run}-SKU`;
    const submitted = await client.submit(acmeJsonOrder(po, 'unknown-sku'));
    assert.equal(submitted.status, 202);
    const trackingId = (submitted.body as { trackingIds: string[] }).trackingIds[0];

    const page = await signIn('bea');
    const id = await openException(page, `acme-portal/${po}`, 'partner=acme-portal&code=UNKNOWN_SKU');
    assert.match((await page.textContent('[data-testid=details]')) ?? '', /UNKNOWN_SKU[\s\S]*\/lines\/0/);
    // The partner's original document, read from ingress.documents by the exception's coordinates.
    await page.waitForSelector('[data-testid=original-document]', { timeout: 30_000 });
    assert.match((await page.textContent('[data-testid=original-document]')) ?? '', /AC-DOES-NOT-EXIST/);

    // A wrong correction is refused by intake's rules, with the diff.
    await page.fill('input[data-field="lines.0.item"]', 'AC-STILL-WRONG');
    await page.click('[data-testid=preview]');
    await page.waitForSelector('[data-testid=diff] .error');
    assert.match((await page.textContent('[data-testid=diff]')) ?? '', /UNKNOWN_SKU/);

    await page.fill('input[data-field="lines.0.item"]', 'AC-BOLT-M8');
    await page.fill('[data-testid=correct-form] input[name=reason]', 'Acme confirmed the bolt SKU by phone');
    await page.click('[data-testid=preview]');
    await page.waitForSelector('[data-testid=diff] .ok');
    assert.match((await page.textContent('[data-testid=diff]')) ?? '', /AC-DOES-NOT-EXIST[\s\S]*AC-BOLT-M8/);
    await shot(page, 'correct');
    await page.click('[data-testid=replay]');
    await page.waitForSelector('[data-testid=notice]');
    assert.match((await page.textContent('[data-testid=notice]')) ?? '', /replayed/);

    await expectEventually(async () => assert.equal(await stateOf(page, id), 'resolved'), {
      timeoutMs: 45_000,
      intervalMs: 1_000,
      description: 'the correction accepted and the exception resolved by orders.state',
    });
    const orders = await odooSearchRead<{ id: number; state: string }>(
      platform,
      'sale.order',
      [['client_order_ref', '=', po]],
      ['state'],
    );
    assert.equal(orders.length, 1, 'the order is in Odoo exactly once');
    await expectEventually(
      () => {
        // Publication is at least once: a record sent again keeps its outboundId, partners dedupe on it.
        const acks = [
          ...new Map(
            outbound
              .filter((d) => d.partnerId === 'acme-portal' && d.relatesTo.includes(trackingId))
              .map((d) => [d.outboundId, d]),
          ).values(),
        ];
        const statuses = acks.map(
          (d) => (JSON.parse(d.payload.toString('utf8')) as { status: string }).status,
        );
        assert.deepEqual(statuses.sort(), ['accepted', 'rejected'], 'the rejection, then the acceptance');
      },
      { timeoutMs: 30_000, description: 'the acceptance on partners.outbound' },
    );
    await page.goto(url(`/exceptions/${id}`));
    assert.match((await page.textContent('[data-testid=odoo-record]')) ?? '', /sale\.order #\d+/);
    assert.match(
      (await page.textContent('[data-testid=history]')) ?? '',
      /auto-resolved[\s\S]*replayed[\s\S]*corrected/,
    );
    await shot(page, 'detail');
    const replays = ingress.filter((r) => r.value.correction?.exceptionId === id);
    assert.equal(replays.length, 1, 'one corrected document on ingress.documents');
    assert.ok(
      audit.some(
        (a) =>
          a.action === 'console.correct' &&
          a.principal === 'ops-console:bea' &&
          a.outcome === AuditOutcome.Replayed,
      ),
    );
    await page.context().close();
  });

  it('a business user discards a rejection with a reason', async () => {
    const po = `OPS-${platform.run}-CUST`;
    assert.equal((await client.submit(acmeJsonOrder(po, 'unknown-customer'))).status, 202);
    const page = await signIn('bea');
    const id = await openException(page, `acme-portal/${po}`);
    await page.click('[data-testid=discard]'); // without a reason: the browser asks for one
    assert.equal(await stateOf(page, id), 'open');
    await page.fill('[data-testid=discard-reason]', 'Test order from Acme, agreed with purchasing');
    await page.click('[data-testid=discard]');
    await page.waitForSelector('[data-testid=notice]');
    assert.equal(await stateOf(page, id), 'discarded');
    assert.match(
      (await page.textContent('[data-testid=history]')) ?? '',
      /discarded[\s\S]*Test order from Acme/,
    );
    await expectEventually(() =>
      assert.ok(
        audit.some(
          (a) =>
            a.action === 'console.discard' && a.reason?.includes(id) && a.policy?.includes('business user'),
        ),
      ),
    );
    await page.context().close();
  });

  it('four-eyes: the requester cannot approve a money document, another business user does', async () => {
    const key = `acme-portal/INV-${platform.run}`;
    const exception: OpsException = {
      exceptionId: randomUUID(),
      kind: ExceptionKind.Business,
      code: 'AMOUNT_MISMATCH',
      message: `Invoice INV-${platform.run} of acme-portal: total 1,250.00 USD differs from the order's 1,200.00 USD`,
      service: `invoices-${platform.run}`,
      sourceTopic: 'invoices.inbound',
      sourcePartition: -1,
      sourceOffset: '',
      sourceKey: key,
      partnerId: 'acme-portal',
      correlationId: null,
      details: [{ code: 'AMOUNT_MISMATCH', message: 'total 1250.00 ≠ 1200.00', location: 'invoice.total' }],
      occurredAt: Date.now(),
      workflow: 'invoice',
      documentType: 'invoice',
      businessKey: key,
      documentId: null,
      documentVersion: 1,
      record: null,
    };
    const { subject, valueSchema } = TOPIC_CATALOG[TOPICS.opsExceptions];
    await producer.send({
      topic: TOPICS.opsExceptions,
      messages: [
        {
          key,
          value: await serde.encode(subject, valueSchema, exception),
          headers: { [HEADER.messageId]: exception.exceptionId },
        },
      ],
    });

    const bea = await signIn('bea');
    const id = await openException(bea, key, 'workflow=invoice');
    await bea.fill('[data-testid=discard-reason]', 'Duplicate invoice, credit note follows');
    await bea.click('[data-testid=discard]');
    await bea.waitForSelector('[data-testid=pending-approval]');
    assert.equal(await stateOf(bea, id), 'in progress');
    // The page offers her no approval; a hand-made one (with her valid CSRF token) is refused.
    assert.equal(await bea.locator('[data-testid=approve]').count(), 0);
    assert.match((await bea.textContent('[data-testid=own-request]')) ?? '', /another business user/);
    await shot(bea, 'four-eyes');
    const approvalId = await bea.getAttribute('[data-testid=pending-approval]', 'data-approval-id');
    const csrf = await bea.getAttribute('form[action="/logout"] input[name=_csrf]', 'value');
    const refused = await bea.evaluate(
      async ({ approvalId, csrf }) => {
        const response = await fetch(`/approvals/${approvalId}/approve`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf ?? '', reason: 'self-approval' }).toString(),
        });
        return { status: response.status, text: await response.text() };
      },
      { approvalId, csrf },
    );
    assert.equal(refused.status, 403);
    assert.match(refused.text, /cannot also approve/);
    assert.equal(await stateOf(bea, id), 'in progress');

    const ben = await signIn('ben');
    await ben.goto(url('/approvals'));
    await ben.click(`tr:has-text("INV-${platform.run}") >> text=Review`);
    await ben.click('[data-testid=approve]');
    assert.equal(await stateOf(ben, id), 'discarded');
    assert.match(
      (await ben.textContent('[data-testid=history]')) ?? '',
      /approved[\s\S]*four-eyes: requested by bea, approved by ben/,
    );
    await expectEventually(() =>
      assert.ok(
        audit.some(
          (a) =>
            a.action === 'console.approve' &&
            a.principal === 'ops-console:bea' &&
            a.outcome === AuditOutcome.Denied,
        ),
      ),
    );
    await bea.context().close();
    await ben.context().close();
  });

  it('an auditor reads everything and can act on nothing', async () => {
    const po = `OPS-${platform.run}-PRICE`;
    assert.equal((await client.submit(acmeJsonOrder(po, 'price-out-of-tolerance'))).status, 202);
    const ada = await signIn('ada');
    const id = await openException(ada, `acme-portal/${po}`);
    assert.match((await ada.textContent('[data-testid=details]')) ?? '', /PRICE_OUT_OF_TOLERANCE/);
    assert.equal(await ada.locator('form[action$="/discard"], form[action$="/correct"]').count(), 0);
    assert.match((await ada.textContent('[data-testid=read-only]')) ?? '', /auditor: read only/);
    // A hand-made post with her valid CSRF token (from the sign-out form) is refused by the policy.
    const csrf = await ada.getAttribute('form[action="/logout"] input[name=_csrf]', 'value');
    const status = await ada.evaluate(
      async ({ id, csrf }) => {
        const response = await fetch(`/exceptions/${id}/discard`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf ?? '', reason: 'auditors should not' }).toString(),
          redirect: 'manual',
        });
        return response.status;
      },
      { id, csrf },
    );
    assert.equal(status, 403);
    // Without the token even the right user is refused.
    const bea = await signIn('bea');
    const forged = await bea.evaluate(async (id) => {
      const response = await fetch(`/exceptions/${id}/discard`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'reason=no+token',
      });
      return response.status;
    }, id);
    assert.equal(forged, 403);
    assert.equal(await stateOf(ada, id), 'open');
    await expectEventually(() =>
      assert.ok(
        audit.some(
          (a) =>
            a.action === 'console.discard' &&
            a.principal === 'ops-console:ada' &&
            a.outcome === AuditOutcome.Denied,
        ),
      ),
    );
    await ada.context().close();
    await bea.context().close();
  });

  it('an engineer re-drives a dead letter to its original topic and the order is taken', async () => {
    // A dead letter exactly as the consumer runner writes it (its <topic>.<group>.dlq with tw-* headers,
    // and the ops.exceptions record): order-intake's ingress.documents group gave up on a valid order.
    const po = `OPS-${platform.run}-DLQ`;
    const group = `order-intake-${platform.run}.${TOPICS.ingressDocuments}`;
    const order = acmeJsonOrder(po);
    const documentId = randomUUID();
    const payload = Buffer.from(order.body, 'utf8');
    const document: IngressDocument = {
      documentId,
      batchId: null,
      batchIndex: 0,
      batchSize: 1,
      partnerId: 'acme-portal',
      principal: 'acme-portal-2026-12',
      documentType: 'sales-order',
      format: DocumentFormat.Json,
      contentType: 'application/json',
      businessRef: po,
      interchangeRef: null,
      idempotencyKey: null,
      apiVersion: 'v1',
      receivedAt: Date.now(),
      sha256: '0'.repeat(64),
      sizeBytes: payload.length,
      payload,
      claimCheckUri: null,
      correction: null,
    };
    const { subject, valueSchema } = TOPIC_CATALOG[TOPICS.ingressDocuments];
    const messageId = randomUUID();
    const dlq = `${TOPICS.ingressDocuments}.${group}.dlq`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: dlq, numPartitions: 1 }] });
    await admin.disconnect();
    await producer.send({
      topic: dlq,
      messages: [
        {
          key: `acme-portal/sales-order/${po}`,
          value: await serde.encode(subject, valueSchema, document),
          headers: {
            [HEADER.messageId]: messageId,
            [HEADER.correlationId]: documentId,
            [HEADER.partnerId]: 'acme-portal',
            [HEADER.attempt]: '5',
            [HEADER.originalTopic]: TOPICS.ingressDocuments,
            [HEADER.originalPartition]: '0',
            [HEADER.originalOffset]: '987654321',
            [HEADER.consumerGroup]: group,
            [HEADER.errorClass]: 'QueryFailedError',
            [HEADER.errorMessage]: 'deadlock detected',
            [HEADER.failedAt]: new Date().toISOString(),
          },
        },
      ],
    });
    const exception: OpsException = {
      exceptionId: randomUUID(),
      kind: ExceptionKind.DeadLetter,
      code: 'QueryFailedError',
      message: 'deadlock detected',
      service: group,
      sourceTopic: TOPICS.ingressDocuments,
      sourcePartition: 0,
      sourceOffset: '987654321',
      sourceKey: `acme-portal/sales-order/${po}`,
      partnerId: 'acme-portal',
      correlationId: documentId,
      details: [],
      occurredAt: Date.now(),
      workflow: null,
      documentType: null,
      businessKey: null,
      documentId: null,
      documentVersion: null,
      record: null,
    };
    await producer.send({
      topic: TOPICS.opsExceptions,
      messages: [
        {
          key: exception.sourceKey,
          value: await serde.encode(
            TOPIC_CATALOG[TOPICS.opsExceptions].subject,
            TOPIC_CATALOG[TOPICS.opsExceptions].valueSchema,
            exception,
          ),
        },
      ],
    });

    // A business user does not see the technical queue's record at all.
    const bea = await signIn('bea');
    await bea.goto(url(`/exceptions/${exception.exceptionId}`));
    await bea.waitForSelector('[data-testid=problem]');
    await bea.context().close();

    const eli = await signIn('eli');
    const id = await openException(eli, `acme-portal/sales-order/${po}`, 'workflow=technical');
    await shot(eli, 'dead-letter');
    await expectEventually(
      async () => {
        await eli.goto(url(`/exceptions/${id}`));
        await eli.fill(
          'form[action$="/redrive"] input[name=reason]',
          'deadlock was transient; database healthy again',
        );
        await eli.click('[data-testid=redrive]');
        await eli.waitForSelector('[data-testid=notice]', { timeout: 5_000 });
      },
      { timeoutMs: 30_000, intervalMs: 2_000, description: 'the dead letter collected and re-driven' },
    );
    assert.equal(await stateOf(eli, id), 'resolved');
    await expectEventually(
      () =>
        assert.ok(
          ingress.some((r) => r.headers[HEADER.messageId] === messageId && r.value.documentId === documentId),
        ),
      { timeoutMs: 15_000, description: 'the dead letter back on ingress.documents with its headers' },
    );
    await expectEventually(
      async () => {
        const orders = await odooSearchRead<{ id: number }>(
          platform,
          'sale.order',
          [['client_order_ref', '=', po]],
          ['state'],
        );
        assert.equal(orders.length, 1);
      },
      { timeoutMs: 45_000, intervalMs: 1_000, description: 'the re-driven order in Odoo' },
    );
    // A second re-drive is refused: the exception is resolved.
    assert.equal(await eli.locator('[data-testid=redrive]').count(), 0);
    await eli.goto(url('/exceptions?state=all'));
    await shot(eli, 'queue');
    await eli.goto(url('/partners'));
    await shot(eli, 'partners');
    await eli.goto(url('/acknowledgements'));
    await shot(eli, 'acknowledgements');
    await eli.context().close();
  });
});
