// Issue 16, end to end: a real Prometheus (Debian's prometheus package) scrapes every service of a real
// platform, with deploy/prometheus/alerts.yml loaded, while partners send orders; PromQL over its HTTP
// API must count what the test did. The gateway sees only this test's requests, so its numbers are
// exact; order-intake and the odoo-writer consume the shared broker's topics, where other tests may
// publish at the same time, so their numbers are at least this test's and the stages must add up.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import YAML from 'yaml';

import {
  E2E_PARTNER_KEYS,
  freePort,
  type RunningPlatform,
  SERVICES,
  startPlatform,
  WORKFLOW_SERVICES,
} from './platform';

const root = join(__dirname, '../..');

interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** Prometheus on a free port with a generated config (every service, 1 s scrapes) and a temp data dir. */
async function startPrometheus(targets: Readonly<Record<string, string>>): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-e2e-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [join(root, 'deploy/prometheus/alerts.yml')],
    scrape_configs: Object.entries(targets).map(([service, url]) => {
      const { host, pathname } = new URL(url);
      // tradewind_service as the compose DNS discovery and the chart's ServiceMonitors give it.
      return {
        job_name: service,
        metrics_path: pathname,
        static_configs: [{ targets: [host], labels: { tradewind_service: service } }],
      };
    }),
  };
  writeFileSync(join(dir, 'prometheus.yml'), YAML.stringify(config));
  const output: string[] = [];
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) =>
      reject(
        new Error('prometheus could not start: run ./tradewind setup (Debian package prometheus)', {
          cause: error,
        }),
      ),
    );
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await spawned;
    await expectEventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited:\n${output.join('').slice(-3000)}`);
        assert.equal((await fetch(`${url}/-/ready`)).status, 200);
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'prometheus ready' },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe('Prometheus scrapes the platform and counts what partners did', () => {
  let platform: RunningPlatform;
  let prometheus: RunningPrometheus;
  let client: PartnerClient;
  const sent = { requests: 0, orders: 0, ok: 0, rejected: 0, duplicates: 0, refusals: 0 };
  const reasons = new Map<string, number>();

  before(async () => {
    platform = await startPlatform({ odooLatencyMs: 5, everyService: true });
    prometheus = await startPrometheus(platform.metricsUrls);
    client = new PartnerClient(platform.gatewayUrl, E2E_PARTNER_KEYS);
  });

  after(async () => {
    await prometheus?.stop();
    await platform?.stop();
  });

  async function query(promql: string): Promise<Sample[]> {
    const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; error?: string; data: { result: Sample[] } };
    assert.equal(body.status, 'success', `${promql}: ${body.error}`);
    return body.data.result;
  }

  /** One number: the query's single sample (0 when it has none). */
  async function value(promql: string): Promise<number> {
    const result = await query(promql);
    assert.ok(result.length <= 1, `${promql} gave ${result.length} series`);
    return result.length === 0 ? 0 : Number(result[0].value[1]);
  }

  async function submit(document: PartnerDocument, idempotencyKey: string): Promise<SubmitResult> {
    for (;;) {
      const result = await client.submit(document, { idempotencyKey });
      if (result.status !== 429) return result;
      await sleep(Number(result.headers.get('retry-after') ?? 1) * 1000);
    }
  }

  it('scrapes every service, with the alert rules loaded', async () => {
    await expectEventually(
      async () => {
        const up = await query('up');
        assert.deepEqual(
          up.map((s) => [s.metric.tradewind_service, s.value[1]]).sort(),
          [...SERVICES, ...WORKFLOW_SERVICES].map((s) => [s, '1']).sort(),
        );
      },
      { timeoutMs: 30_000, intervalMs: 500, description: 'every service up' },
    );
    // Every rule evaluated at least once, none in error (a rule on a missing series evaluates to nothing).
    await expectEventually(
      async () => {
        const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
          data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
        };
        const loaded = rules.data.groups.flatMap((g) => g.rules);
        for (const name of [
          'TradewindOrdersStuck',
          'TradewindReconciliationDiscrepancy',
          'TradewindOdooCircuitOpen',
        ]) {
          assert.ok(
            loaded.some((r) => r.name === name),
            `${name} loaded`,
          );
        }
        assert.deepEqual(
          loaded.filter((r) => r.health !== 'ok'),
          [],
          'rules not evaluated yet or failing',
        );
      },
      { timeoutMs: 10_000 },
    );
  });

  it('takes orders from three partners, with rejections, a resubmission and bad requests', async () => {
    const tag = platform.run.slice(-8).toUpperCase();
    let n = 0;
    const variants: OrderVariant[] = ['ok', 'ok', 'unknown-sku', 'ok', 'price-out-of-tolerance', 'ok'];
    const po = (prefix: string): { poNumber: string; variant: OrderVariant } => {
      const i = n++;
      return { poNumber: `${prefix}-${tag}-${i}`, variant: variants[i % variants.length] };
    };
    const documents: PartnerDocument[] = [
      ...Array.from({ length: 6 }, () => {
        const order = po('A');
        return acmeJsonOrder(order.poNumber, order.variant);
      }),
      marketHubCsv(Array.from({ length: 6 }, () => po('M'))),
      globexX12(
        Array.from({ length: 6 }, () => po('G')),
        810_000 + (Date.now() % 100_000),
      ),
    ];
    for (const document of documents) {
      const result = await submit(document, `first-${document.poNumbers[0]}`);
      assert.equal(result.status, 202, JSON.stringify(result.body));
      sent.requests += 1;
      sent.orders += document.poNumbers.length;
      for (const variant of document.variants) {
        if (variant === 'ok') sent.ok += 1;
        else {
          sent.rejected += 1;
          const reason = variant === 'unknown-sku' ? 'UNKNOWN_SKU' : 'PRICE_OUT_OF_TOLERANCE';
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
      }
    }
    // The first acme order again under a new idempotency key: a duplicate at intake.
    const again = await submit(documents[0], `again-${documents[0].poNumbers[0]}`);
    assert.equal(again.status, 202);
    sent.requests += 1;
    sent.orders += 1;
    sent.duplicates += 1;
    // Refused at the gateway: a wrong content type and a body that is not JSON.
    const good = acmeJsonOrder(`A-${tag}-REFUSED`);
    for (const bad of [
      { ...good, contentType: 'application/xml' },
      { ...good, body: '{"poNumber": ' },
    ]) {
      const result = await client.submit(bad);
      assert.ok(result.status >= 400 && result.status < 500, `refused with a 4xx, got ${result.status}`);
      sent.refusals += 1;
    }
    assert.equal(sent.orders, 19);
  });

  it('counts at the gateway exactly the transactions and refusals it answered', async () => {
    await expectEventually(
      async () => {
        assert.equal(
          await value('sum(tradewind_transactions_total{stage="received", outcome="accepted"})'),
          sent.orders,
        );
        assert.equal(
          await value('sum(tradewind_gateway_rejections_total{category="business"})'),
          sent.refusals,
        );
      },
      { timeoutMs: 30_000, intervalMs: 1_000, description: 'gateway counters scraped' },
    );
    assert.equal(await value('sum(tradewind_gateway_rejections_total{category="technical"})'), 0);
    assert.equal(
      await value(
        'sum(tradewind_gateway_requests_total{route="POST /v1/documents/:documentType", status="202"})',
      ),
      sent.requests,
    );
  });

  it('follows every order to Odoo and to its acknowledgement, and the stages add up', async () => {
    const acknowledged = 'sum(tradewind_transactions_total{stage="acknowledged"})';
    const confirmed = 'sum(tradewind_transactions_total{stage="written", outcome="confirmed"})';
    const stage = (s: string, outcome: string): string =>
      `sum(tradewind_transactions_total{stage="${s}", outcome="${outcome}"})`;
    await expectEventually(
      async () => {
        assert.ok((await value(stage('validated', 'accepted'))) >= sent.ok, 'accepted');
        assert.ok((await value(stage('validated', 'rejected'))) >= sent.rejected, 'rejected');
        assert.ok((await value(stage('validated', 'duplicate'))) >= sent.duplicates, 'duplicates');
        // Every accepted order is confirmed or refused by Odoo (or failed); nothing is in between.
        assert.equal(
          await value(stage('validated', 'accepted')),
          (await value(confirmed)) +
            (await value(stage('written', 'rejected'))) +
            (await value(stage('written', 'failed'))),
          'accepted = confirmed + rejected by Odoo + failed',
        );
        // Every partner here is acknowledged: each decided order once, accepted or rejected.
        assert.equal(
          await value(acknowledged),
          (await value(stage('validated', 'rejected'))) +
            (await value(confirmed)) +
            (await value(stage('written', 'rejected'))),
          'acknowledged = rejected + confirmed + rejected by Odoo',
        );
        assert.equal(await value('sum(tradewind_transactions_open)'), 0, 'open orders');
      },
      { timeoutMs: 90_000, intervalMs: 2_000, description: 'every order final and scraped' },
    );
    // Each order the gateway received was decided by order-intake: accepted, rejected or a duplicate.
    assert.ok(
      (await value('sum(tradewind_transactions_total{stage="validated"})')) >= sent.orders,
      'validated >= received',
    );
    assert.equal(await value(stage('written', 'failed')), 0);
    for (const [reason, count] of reasons) {
      assert.ok(
        (await value(
          `sum(tradewind_transaction_rejections_total{reason="${reason}", category="business"})`,
        )) >= count,
        reason,
      );
    }
    // End to end (gateway 202 to Odoo confirmed) has one observation per confirmed order.
    assert.equal(
      await value('sum(tradewind_transaction_stage_seconds_count{stage="written", outcome="confirmed"})'),
      await value(confirmed),
    );
    assert.ok(
      (await value(
        'histogram_quantile(0.5, sum by (le) (tradewind_transaction_stage_seconds_bucket{stage="written", outcome="confirmed"}))',
      )) > 0,
    );
    // What the acknowledgements became at the gateway: one document each for the partner to fetch (the
    // gateway indexes partners.outbound of the whole broker, hence at least).
    await expectEventually(
      async () =>
        assert.ok(
          (await value(
            'sum(tradewind_partner_deliveries_total{outcome="available", document_type=~"order-ack|x12-855"})',
          )) >= (await value(acknowledged)),
        ),
      { timeoutMs: 30_000, intervalMs: 1_000, description: 'acknowledgements available' },
    );
    assert.equal(await value('sum(tradewind_acknowledgements_overdue)'), 0);
  });

  it('shows Odoo healthy, nothing dead-lettered and the consumer lag recorded', async () => {
    assert.ok((await value('sum(tradewind_odoo_calls_total{outcome="success"})')) > 0);
    assert.equal(await value('max(tradewind_odoo_circuit_breaker_state)'), 0);
    assert.ok((await value('sum(tradewind_odoo_call_duration_seconds_count)')) > 0);
    assert.equal(await value('sum(tradewind_message_dead_letters_total)'), 0);
    // The recording rule of alerts.yml ran on the scraped lag.
    const lag = await query('tradewind:consumer_lag_records:sum{group=~".*order-intake.*"}');
    assert.ok(lag.length > 0, 'tradewind:consumer_lag_records:sum is recorded');
    assert.deepEqual(await query('ALERTS{alertstate="firing"}'), []);
  });

  it("shows the reconciler's completeness figures and inventory-sync's consumers", async () => {
    // Reconcile the current hour now (the schedule would, every RECONCILER_EVERY).
    const window = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    const response = await fetch(`${platform.reconcilerUrl}/v1/reconciliation/windows/${window}/runs`, {
      method: 'POST',
    });
    assert.equal(response.status, 201, await response.text());
    const partners = ['acme-portal', 'market-hub', 'globex-edi'];
    await expectEventually(
      async () => {
        for (const partner of partners) {
          // At least this test's orders (orders.state is the shared broker's).
          assert.ok(
            (await value(`sum(tradewind_reconciliation_orders{partner="${partner}"})`)) >= 6,
            `${partner}: orders reconciled`,
          );
          assert.ok(
            (await value(`sum(tradewind_reconciliation_amount{partner="${partner}", side="platform"})`)) > 0,
          );
        }
        assert.ok((await value('sum(tradewind_reconciliation_windows_total)')) >= 1);
      },
      { timeoutMs: 30_000, intervalMs: 1_000, description: 'reconciliation scraped' },
    );
    // inventory-sync reads ingress.documents too (the WMS's stock documents; it passes over orders):
    // at least this test's accepted documents, and its lag recorded.
    assert.ok(
      (await value(
        'sum(tradewind_messages_consumed_total{tradewind_service="inventory-sync", topic="ingress.documents"})',
      )) >= sent.requests,
      'inventory-sync consumed ingress.documents',
    );
    assert.ok(
      (await query('tradewind_consumer_lag_records{tradewind_service="inventory-sync"}')).length > 0,
      'inventory-sync consumer lag',
    );
  });
});
