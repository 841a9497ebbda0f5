// Demo traffic: plays the four demo partners against the ingress gateway (signed requests, as their
// systems would send them) and shows orders flowing into Odoo. Started by `./tradewind demo`.
// Environment: GATEWAY_URL, ODOO_URL, ODOO_DB, ODOO_READ_API_KEY, TW_DEMO_KEYS (JSON partnerId →
// { keyId, apiKey, signingSecret }),
// DEMO_INTERVAL_MS (between submissions, default 700), DEMO_COUNT (submissions, 0 = until Ctrl-C).
import { setTimeout as sleep } from 'node:timers/promises';

import type { PartnerCredentials } from '@tradewind/partner-auth';
import {
  acmeJsonOrder,
  bazaarlyCsv,
  globexX12,
  marketHubCsv,
  type OrderVariant,
  PartnerClient,
  type PartnerDocument,
} from '@tradewind/partner-testing';

const env = process.env;
const gatewayUrl = env.GATEWAY_URL ?? 'http://127.0.0.1:3010';
const odooUrl = env.ODOO_URL ?? 'http://127.0.0.1:8069';
const odooDb = env.ODOO_DB ?? 'tradewind';
const odooKey = env.ODOO_READ_API_KEY ?? '';
const intervalMs = Number(env.DEMO_INTERVAL_MS ?? 700);
const count = Number(env.DEMO_COUNT ?? 0);
const client = new PartnerClient(
  gatewayUrl,
  JSON.parse(env.TW_DEMO_KEYS ?? '{}') as Record<string, PartnerCredentials>,
);

const run = Date.now().toString(36).toUpperCase().slice(-5);
let sequence = 0;
// ISA13 must be new per interchange across runs too: the gateway answers a repeat as a duplicate.
const isa13Base = 100_000_000 + (Math.floor(Date.now() / 1000) % 800_000_000);
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

const tracked = new Map<string, { partnerId: string; po: string; status: string }>();

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

async function refreshStatuses(): Promise<void> {
  const open = [...tracked].filter(([, t]) => !['acknowledged', 'rejected'].includes(t.status)).slice(-60);
  await Promise.all(
    open.map(async ([id, t]) => {
      const result = await client.get(t.partnerId, `/v1/transactions/${id}`);
      const status = (result.body as { status?: string }).status;
      if (result.status === 200 && status) t.status = status;
    }),
  );
}

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
  console.log(`   confirmed sale orders in Odoo from this run: ${confirmed}   (${odooUrl})\n`);
}

async function main(): Promise<void> {
  console.log(`demo traffic → ${gatewayUrl} (run ${run}); Ctrl-C stops`);
  let stopping = false;
  process.once('SIGINT', () => (stopping = true));
  process.once('SIGTERM', () => (stopping = true));
  for (let turn = 0; !stopping && (count === 0 || turn < count); turn++) {
    const document = nextDocument(turn);
    await submit(document, '').catch((error: Error) =>
      console.log(`→ ${document.partnerId} failed: ${error.message}`),
    );
    if (turn % 10 === 9) {
      // A partner retrying a whole document with a new idempotency key: no second sale order.
      await submit(document, '(resubmitted: duplicate)').catch(() => undefined);
    }
    if (turn % 6 === 5) await summary();
    await sleep(intervalMs);
  }
  await sleep(3_000);
  await summary();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
