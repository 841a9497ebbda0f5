// Issue "Sales order intake", end to end: 1,000 orders from the three partners through the real
// gateway, order-intake and odoo-writer processes, real Kafka, registry and PostgreSQL, into the Odoo
// simulator — with resubmitted duplicates, malformed documents, unknown SKUs and customers and prices
// out of tolerance.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  acmeJsonOrder,
  globexX12,
  marketHubCsv,
  type OrderVariant,
  PartnerClient,
  type PartnerDocument,
  type SubmitResult,
} from '@tradewind/partner-testing';
import { expectEventually } from '@tradewind/testing';

import { E2E_PARTNER_KEYS, odooSearchRead, type RunningPlatform, startPlatform } from './platform';

const ORDERS_PER_DOCUMENT = 10;
const PLAN = { acme: 200, marketHub: 400, globex: 400 }; // 1,000 orders

interface Expected {
  partnerId: string;
  po: string;
  variant: OrderVariant;
  trackingIds: string[];
}

const EXPECTED_REASON: Record<Exclude<OrderVariant, 'ok'>, string> = {
  'unknown-sku': 'UNKNOWN_SKU',
  'unknown-customer': 'UNKNOWN_CUSTOMER',
  'price-out-of-tolerance': 'PRICE_OUT_OF_TOLERANCE',
};

/** Deterministic mix: about 6% unknown SKU, 3% unknown customer, 3% price out of tolerance. */
function variantFor(i: number): OrderVariant {
  if (i % 17 === 3) return 'unknown-sku';
  if (i % 31 === 7) return 'unknown-customer';
  if (i % 29 === 11) return 'price-out-of-tolerance';
  return 'ok';
}

describe('sales orders from three partners, end to end', () => {
  let platform: RunningPlatform;
  let client: PartnerClient;
  const expected = new Map<string, Expected>();
  const documents: PartnerDocument[] = [];
  const badInputStatuses: { what: string; status: number }[] = [];

  before(async () => {
    platform = await startPlatform({ odooLatencyMs: 20, without: ['inventory-sync', 'reconciler'] });
    client = new PartnerClient(platform.gatewayUrl, E2E_PARTNER_KEYS);
  });

  after(async () => {
    await platform?.stop();
  });

  /** Submits like a partner: honours 429 Retry-After, never gives up on a 5xx silently. */
  async function submit(document: PartnerDocument, idempotencyKey: string): Promise<SubmitResult> {
    for (;;) {
      const result = await client.submit(document, { idempotencyKey });
      if (result.status !== 429) return result;
      await sleep(Number(result.headers.get('retry-after') ?? 1) * 1000);
    }
  }

  it('accepts every well-formed document with 202 and tracking ids, 1,000 orders in all', async () => {
    const tag = platform.run.slice(-8).toUpperCase();
    let n = 0;
    const po = (prefix: string): { poNumber: string; variant: OrderVariant } => {
      const i = n++;
      return { poNumber: `${prefix}-${tag}-${String(i).padStart(4, '0')}`, variant: variantFor(i) };
    };
    for (let i = 0; i < PLAN.acme; i++) {
      const order = po('A');
      documents.push(acmeJsonOrder(order.poNumber, order.variant));
    }
    for (let i = 0; i < PLAN.marketHub / ORDERS_PER_DOCUMENT; i++) {
      documents.push(marketHubCsv(Array.from({ length: ORDERS_PER_DOCUMENT }, () => po('M'))));
    }
    for (let i = 0; i < PLAN.globex / ORDERS_PER_DOCUMENT; i++) {
      documents.push(
        globexX12(
          Array.from({ length: ORDERS_PER_DOCUMENT }, () => po('G')),
          700_000 + i,
        ),
      );
    }

    // Three partners in parallel, each sending its documents in order, as their systems would.
    const byPartner = Map.groupBy(documents, (d) => d.partnerId);
    await Promise.all(
      [...byPartner.values()].map(async (docs) => {
        for (const document of docs) {
          const result = await submit(document, `first-${document.poNumbers[0]}`);
          assert.equal(
            result.status,
            202,
            `${document.partnerId} ${document.poNumbers[0]}: ${JSON.stringify(result.body)}`,
          );
          const trackingIds = (result.body as { trackingIds: string[] }).trackingIds;
          assert.equal(trackingIds.length, document.poNumbers.length);
          document.poNumbers.forEach((poNumber, index) =>
            expected.set(poNumber, {
              partnerId: document.partnerId,
              po: poNumber,
              variant: document.variants[index],
              trackingIds: [trackingIds[index]],
            }),
          );
        }
      }),
    );
    assert.equal(expected.size, 1_000);
  });

  it('refuses bad input with a clear 4xx, never a 5xx, and never lets it into the pipeline', async () => {
    const good = acmeJsonOrder('A-BAD-INPUT-PROBE');
    const x12 = globexX12([{ poNumber: 'G-BAD-INPUT-PROBE' }], 799_999);
    const csv = marketHubCsv([{ poNumber: 'M-BAD-INPUT-PROBE' }]);
    const cases: [string, () => Promise<SubmitResult>][] = [
      [
        'truncated X12',
        () => client.submit({ ...x12, body: x12.body.slice(0, Math.floor(x12.body.length * 0.6)) }),
      ],
      [
        'CSV with a missing column',
        () => client.submit({ ...csv, body: csv.body.replace('quantity,', '').replace(/,20,/g, ',') }),
      ],
      [
        'non-UTF-8 bytes',
        () =>
          client.request(
            'acme-portal',
            'POST',
            '/v1/documents/sales-order',
            Buffer.concat([Buffer.from('{"poNumber":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
            {
              'content-type': 'application/json',
            },
          ),
      ],
      ['wrong content type', () => client.submit({ ...good, contentType: 'application/xml' })],
      // Just over acme's 1 MB limit: the 413 comes from Content-Length, before the body is read.
      ['oversized body', () => client.submit({ ...good, body: good.body.padEnd(1_100_000, ' ') })],
      [
        'wrong signature',
        () =>
          fetch(`${platform.gatewayUrl}/v1/documents/sales-order`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-key-id': E2E_PARTNER_KEYS['acme-portal'].keyId,
              'x-api-key': E2E_PARTNER_KEYS['acme-portal'].apiKey,
              'x-timestamp': new Date().toISOString(),
              'x-nonce': 'n-wrong-signature',
              'x-signature': '0'.repeat(64),
            },
            body: good.body,
          }).then(async (r) => ({
            status: r.status,
            body: await r.text(),
            headers: r.headers,
            latencyMs: 0,
          })),
      ],
    ];
    for (const [what, send] of cases) {
      const result = await send();
      badInputStatuses.push({ what, status: result.status });
      assert.ok(result.status >= 400 && result.status < 500, `${what}: expected a 4xx, got ${result.status}`);
    }
  });

  it('a resubmitted document (new idempotency key) creates no second sale order', async () => {
    const resubmitted = documents.filter((_, i) => i % 20 === 0);
    for (const [i, original] of resubmitted.entries()) {
      let document = original;
      if (original.partnerId === 'globex-edi') {
        // The same interchange again is a duplicate ISA13: answered 409 and never processed twice.
        const duplicate = await submit(original, `again-isa13-${original.poNumbers[0]}`);
        assert.equal(duplicate.status, 409, JSON.stringify(duplicate.body));
        assert.equal((duplicate.body as { code: string }).code, 'DUPLICATE_INTERCHANGE');
        // The same orders in a new interchange reach the duplicate guard of order-intake.
        document = globexX12(
          original.poNumbers.map((poNumber, k) => ({ poNumber, variant: original.variants[k] })),
          750_000 + i,
        );
      }
      const result = await submit(document, `again-${document.poNumbers[0]}`);
      assert.equal(result.status, 202, JSON.stringify(result.body));
      const trackingIds = (result.body as { trackingIds: string[] }).trackingIds;
      document.poNumbers.forEach((poNumber, index) =>
        expected.get(poNumber)!.trackingIds.push(trackingIds[index]),
      );
    }
  });

  it('every accepted order becomes exactly one confirmed sale order in Odoo; no rejected order does', async () => {
    const accepted = [...expected.values()].filter((e) => e.variant === 'ok');
    const tag = platform.run.slice(-8).toUpperCase();
    const orders = await expectEventually(
      async () => {
        const rows = await odooSearchRead<{ client_order_ref: string; state: string }>(
          platform,
          'sale.order',
          [['client_order_ref', 'ilike', `-${tag}-`]],
          ['client_order_ref', 'state'],
        );
        const confirmed = rows.filter((r) => r.state === 'sale').length;
        assert.equal(confirmed, accepted.length, `confirmed ${confirmed} of ${accepted.length}`);
        return rows;
      },
      { timeoutMs: 300_000, intervalMs: 2_000, description: 'all accepted orders confirmed in Odoo' },
    );
    const refs = orders.map((o) => o.client_order_ref);
    assert.equal(new Set(refs).size, refs.length, 'a PO number appears twice in Odoo');
    assert.deepEqual(new Set(refs), new Set(accepted.map((e) => e.po)));
  });

  it('each rejection carries its reasons, and every partner gets its acknowledgements', async () => {
    const all = [...expected.values()];
    // Every rejected order and every 25th accepted one (about 40, a dozen per partner), read back as each
    // partner would (its own key, so within its rate limit: globex-edi reads 2/s).
    const pending = new Set(all.filter((e, i) => i % 25 === 0 || e.variant !== 'ok'));
    const check = async (entry: Expected): Promise<void> => {
      let result = await client.get(entry.partnerId, `/v1/transactions/${entry.trackingIds[0]}`);
      while (result.status === 429) {
        await sleep(Number(result.headers.get('retry-after') ?? 1) * 1000);
        result = await client.get(entry.partnerId, `/v1/transactions/${entry.trackingIds[0]}`);
      }
      assert.equal(result.status, 200);
      const body = result.body as {
        status: string;
        rejectionReasons?: { code: string }[];
        acknowledgements?: { documentType: string }[];
      };
      assert.equal(body.status, 'acknowledged', `${entry.po}: ${body.status}`);
      if (entry.variant !== 'ok') {
        assert.ok(
          body.rejectionReasons?.some(
            (r) => r.code === EXPECTED_REASON[entry.variant as Exclude<OrderVariant, 'ok'>],
          ),
          `${entry.po} (${entry.variant}): ${JSON.stringify(body.rejectionReasons)}`,
        );
      }
      const kinds = (body.acknowledgements ?? []).map((a) => a.documentType);
      const wanted = entry.partnerId === 'globex-edi' ? 'x12-855' : 'order-ack';
      assert.ok(kinds.includes(wanted), `${entry.po}: ${kinds.join(',')}`);
      pending.delete(entry);
    };
    await expectEventually(
      async () => {
        const failures: unknown[] = [];
        for (const entry of [...pending]) await check(entry).catch((error: unknown) => failures.push(error));
        if (failures.length > 0)
          throw new Error(`${failures.length} orders not acknowledged yet`, { cause: failures[0] });
      },
      { timeoutMs: 240_000, intervalMs: 3_000, description: 'acknowledgements for every order' },
    );
  });

  it("no partner can read another partner's transactions", async () => {
    const acme = [...expected.values()].find((e) => e.partnerId === 'acme-portal')!;
    const result = await client.get('market-hub', `/v1/transactions/${acme.trackingIds[0]}`);
    assert.ok([403, 404].includes(result.status), `got ${result.status}`);
  });
});
