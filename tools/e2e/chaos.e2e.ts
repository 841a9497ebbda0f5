// e2e-lane: isolated (a private Kafka, registry and services of its own on their own ports)
// Issue 7, "chaos end to end": 3,000 orders from the three partners through the real processes while,
// one after another, the broker is SIGKILLed and restarted, the odoo-writer is SIGKILLed mid-batch, Odoo
// is unavailable for 60 s, order-intake is SIGKILLed and PostgreSQL is restarted. At the end every order
// answered 202 is exactly once a confirmed sale order, no order answered 503 exists in Odoo, every
// "outcome unknown" resubmitted with its Idempotency-Key is there exactly once, no record is in a
// dead-letter topic, and every tracking id has reached a final status.
//
// It kills the broker and restarts PostgreSQL, so it runs only on a private stack (CI, or KAFKA_PORT and
// TW_STACK_DIR naming one: see deploy/local/stack.sh); elsewhere it is skipped. PostgreSQL is shared by
// everyone on a development machine: TW_CHAOS_SKIP_PG_RESTART=1 replaces the restart by terminating this
// platform's own connections (pg_terminate_backend, what a restart does to them, without the seconds of
// refused connections), so only this run is hit. About 5 minutes on a 2-core machine.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import {
  acmeJsonOrder,
  globexX12,
  marketHubCsv,
  PartnerClient,
  type PartnerDocument,
} from '@tradewind/partner-testing';
import { expectEventually, testStack } from '@tradewind/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';

import { E2E_PARTNER_KEYS, odooSearchRead, type RunningPlatform, startPlatform } from './platform';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const ORDERS_PER_DOCUMENT = 10;
const PLAN = { acme: 600, marketHub: 1_200, globex: 1_200 }; // 3,000 orders
const env = process.env;
const privateStack = env.CI === 'true' || (env.KAFKA_PORT !== undefined && env.KAFKA_PORT !== '9092');
const stackDir = env.TW_STACK_DIR ?? join(ROOT, '.stack');

type Answer = 'accepted' | 'not-accepted' | 'unexpected';

interface Outcome {
  document: PartnerDocument;
  answer: Answer;
  trackingIds: string[];
  /** Answered "outcome unknown" (504) at least once and resubmitted with the same key. */
  wasUnknown: boolean;
  statuses: number[];
}

async function killBroker(): Promise<void> {
  const pid = Number(readFileSync(join(stackDir, 'kafka.pid'), 'utf8').trim());
  try {
    process.kill(-pid, 'SIGKILL'); // stack.sh starts it as a process group
  } catch {
    process.kill(pid, 'SIGKILL');
  }
  await expectEventually(
    () => {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      throw new Error('kafka still running');
    },
    { timeoutMs: 30_000, description: 'broker gone' },
  );
}

async function startBroker(): Promise<void> {
  await run(join(ROOT, 'deploy/local/stack.sh'), ['up'], { env, timeout: 300_000 });
}

/**
 * Restarts the machine's PostgreSQL, or with TW_CHAOS_SKIP_PG_RESTART=1 terminates this platform's
 * connections only (their application names carry the run's name); says which.
 */
async function restartPostgres(platformRun: string): Promise<string> {
  if (env.TW_CHAOS_SKIP_PG_RESTART === '1') {
    const pool = new Pool({ connectionString: testStack().databaseUrl, max: 1 });
    const { rowCount } = await pool
      .query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1`, [
        `%${platformRun}%`,
      ])
      .finally(() => pool.end());
    return `not restarted (TW_CHAOS_SKIP_PG_RESTART=1): ${rowCount} connections of this platform terminated`;
  }
  const { stdout } = await run('ls', ['/etc/postgresql']).catch(() => ({ stdout: '' }));
  const version = stdout.trim().split('\n')[0];
  if (!version) return 'skipped: no /etc/postgresql cluster to restart (pg_ctlcluster)';
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
    timeout: 120_000,
  });
  return `restarted PostgreSQL ${version}`;
}

describe(
  'chaos: 3,000 orders while the broker, the services, Odoo and PostgreSQL fail',
  {
    skip:
      !privateStack &&
      'needs a private stack (CI=true, or KAFKA_PORT/TW_STACK_DIR of one): it kills the broker',
  },
  () => {
    let platform: RunningPlatform;
    let client: PartnerClient;
    const outcomes: Outcome[] = [];
    const faults: string[] = [];
    let answered = 0;
    let total = 0;

    before(async () => {
      platform = await startPlatform({ odooLatencyMs: 10, without: ['inventory-sync', 'reconciler'] });
      client = new PartnerClient(platform.gatewayUrl, E2E_PARTNER_KEYS);
    });

    after(async () => {
      await platform?.stop();
    });

    /**
     * Submits as a careful partner does: waits out 429 and 409 (in progress), resubmits an "outcome
     * unknown" (504) or a lost connection with the same Idempotency-Key until the answer is final, and
     * pauses for Retry-After after a 503.
     */
    async function submit(document: PartnerDocument): Promise<Outcome> {
      const idempotencyKey = `chaos-${document.poNumbers[0]}`;
      const outcome: Outcome = {
        document,
        answer: 'unexpected',
        trackingIds: [],
        wasUnknown: false,
        statuses: [],
      };
      for (let attempt = 0; attempt < 600; attempt++) {
        const result = await client.submit(document, { idempotencyKey }).catch(() => undefined);
        const status = result?.status ?? 0;
        outcome.statuses.push(status);
        if (result === undefined || status === 409 || status === 429) {
          await sleep(Number(result?.headers.get('retry-after') ?? 1) * 1000);
          continue;
        }
        if (status === 504) {
          outcome.wasUnknown = true;
          await sleep(1000);
          continue;
        }
        if (status === 202) {
          outcome.answer = 'accepted';
          outcome.trackingIds = (result.body as { trackingIds: string[] }).trackingIds;
        } else if (status === 503) {
          const retryAfterMs = Number(result.headers.get('retry-after') ?? 1) * 1000;
          if ((result.body as { code?: unknown }).code !== 'PUBLISH_UNAVAILABLE') {
            // A dependency of the gateway was down (dependency-unavailable): no answer yet, send again.
            await sleep(retryAfterMs);
            continue;
          }
          // Not accepted: the partner's system pauses as told, and keeps these orders out of the run.
          outcome.answer = 'not-accepted';
          await sleep(retryAfterMs);
        }
        return outcome;
      }
      return outcome;
    }

    it('answers every document truthfully while faults are injected one after another', async () => {
      const tag = platform.run.slice(-8).toUpperCase();
      let n = 0;
      const po = (prefix: string): { poNumber: string } => ({
        poNumber: `${prefix}-${tag}-${String(n++).padStart(4, '0')}`,
      });
      const documents: PartnerDocument[] = [];
      for (let i = 0; i < PLAN.acme; i++) documents.push(acmeJsonOrder(po('A').poNumber));
      for (let i = 0; i < PLAN.marketHub / ORDERS_PER_DOCUMENT; i++) {
        documents.push(marketHubCsv(Array.from({ length: ORDERS_PER_DOCUMENT }, () => po('M'))));
      }
      for (let i = 0; i < PLAN.globex / ORDERS_PER_DOCUMENT; i++) {
        documents.push(
          globexX12(
            Array.from({ length: ORDERS_PER_DOCUMENT }, () => po('G')),
            600_000 + i,
          ),
        );
      }
      total = documents.length;

      const progress = (share: number): Promise<void> =>
        expectEventually(() => assert.ok(answered >= total * share), {
          timeoutMs: 900_000,
          intervalMs: 200,
          description: `${share * 100}% answered`,
        }).then(() => undefined);
      const chaos = (async () => {
        await progress(0.1);
        await killBroker();
        faults.push(`broker SIGKILLed after ${answered} answers`);
        await sleep(5_000);
        await startBroker();
        faults.push(`broker restarted after ${answered} answers`);
        await progress(0.3);
        await platform.kill('odoo-writer');
        faults.push(`odoo-writer SIGKILLed after ${answered} answers`);
        await platform.restart('odoo-writer');
        await progress(0.45);
        const knobs = await fetch(`${platform.odooUrl}/_sim/knobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ outageForMs: 60_000 }),
        });
        assert.equal(knobs.status, 200);
        faults.push(`Odoo unavailable for 60 s from ${answered} answers`);
        await progress(0.6);
        await platform.kill('order-intake');
        faults.push(`order-intake SIGKILLed after ${answered} answers`);
        await platform.restart('order-intake');
        await progress(0.75);
        const at = answered;
        faults.push(`PostgreSQL after ${at} answers: ${await restartPostgres(platform.run)}`);
      })();

      const byPartner = Map.groupBy(documents, (d) => d.partnerId);
      await Promise.all(
        [...byPartner.values()].map(async (docs) => {
          for (const document of docs) {
            outcomes.push(await submit(document));
            answered++;
          }
        }),
      );
      await chaos;
      console.log(`chaos faults: ${faults.join('; ')}`);
      const unexpected = outcomes.filter((o) => o.answer === 'unexpected');
      assert.deepEqual(
        unexpected.map((o) => `${o.document.poNumbers[0]}: ${o.statuses.join(',')}`),
        [],
        'every answer is 202 or 503 in the end',
      );
    });

    it('ends in the promised state: accepted once, refused never, nothing dead-lettered, every id final', async () => {
      const tag = platform.run.slice(-8).toUpperCase();
      const accepted = outcomes.filter((o) => o.answer === 'accepted');
      const refused = outcomes.filter((o) => o.answer === 'not-accepted');
      const acceptedPos = accepted.flatMap((o) => o.document.poNumbers);
      const refusedPos = new Set(refused.flatMap((o) => o.document.poNumbers));
      const unknownPos = accepted.filter((o) => o.wasUnknown).flatMap((o) => o.document.poNumbers);

      // Every wait ends in time to print the figures; what did not settle is asserted after them.
      const readOdoo = () =>
        odooSearchRead<{ client_order_ref: string; state: string }>(
          platform,
          'sale.order',
          [['client_order_ref', 'ilike', `-${tag}-`]],
          ['client_order_ref', 'state'],
        );
      const notConfirmed = (found: { client_order_ref: string; state: string }[]): string[] => {
        const confirmed = new Set(found.filter((r) => r.state === 'sale').map((r) => r.client_order_ref));
        return acceptedPos.filter((p) => !confirmed.has(p));
      };
      const settled = await expectEventually(
        async () =>
          assert.equal(notConfirmed(await readOdoo()).length, 0, 'accepted orders not confirmed yet'),
        { timeoutMs: 240_000, intervalMs: 5_000, description: 'every accepted order confirmed in Odoo' },
      ).then(
        () => undefined,
        (error: unknown) => error,
      );
      const rows = await readOdoo();
      const unconfirmed = notConfirmed(rows);
      const refs = rows.map((r) => r.client_order_ref);
      const counts = Map.groupBy(refs, (r) => r);
      const duplicates = [...counts].filter(([, list]) => list.length > 1).map(([ref]) => ref);
      const refusedInOdoo = refs.filter((r) => refusedPos.has(r));
      const unknownInOdoo = unknownPos.filter((p) => counts.get(p)?.length === 1);

      const stack = testStack();
      const kafka = new Kafka({
        brokers: stack.kafkaBrokers,
        clientId: 'chaos-check',
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      await admin.connect();
      const dlqs = (await admin.listTopics()).filter((t) => t.includes(platform.run) && t.endsWith('.dlq'));
      let deadLettered = 0;
      for (const topic of dlqs) {
        for (const o of await admin.fetchTopicOffsets(topic)) deadLettered += Number(o.high) - Number(o.low);
      }
      await admin.disconnect();

      // The transaction index follows orders.state: it may trail Odoo, but must get there.
      const pool = new Pool({ connectionString: stack.databaseUrl });
      const notFinal = async () =>
        (
          await pool.query<{ tracking_id: string; status: string }>(
            `SELECT tracking_id, status FROM "ingress_gateway_${platform.run}".ingress_transaction
              WHERE tracking_id = ANY ($1::text[]) AND status <> 'acknowledged'`,
            [accepted.flatMap((o) => o.trackingIds)],
          )
        ).rows;
      const indexStarted = Date.now();
      await expectEventually(async () => assert.equal((await notFinal()).length, 0), {
        timeoutMs: 120_000,
        intervalMs: 2_000,
        description: 'every accepted tracking id final in the transaction index',
      }).catch(() => undefined);
      const indexWaitedS = Math.round((Date.now() - indexStarted) / 1000);
      const statuses = await notFinal().finally(() => pool.end());
      const byStatus = [...Map.groupBy(statuses, (s) => s.status)].map(([k, v]) => `${k} ${v.length}`);

      console.log(
        `chaos: answered 202 ${acceptedPos.length} / in Odoo ${new Set(refs).size} / duplicates ${duplicates.length} / ` +
          `answered 503 ${refusedPos.size} but in Odoo ${refusedInOdoo.length} / outcome unknown ${unknownPos.length} ` +
          `(in Odoo once ${unknownInOdoo.length}) / dead-lettered ${deadLettered} / ` +
          `accepted but not confirmed ${unconfirmed.length} / tracking ids not final ${statuses.length}` +
          ` (${byStatus.join(', ') || 'none'}; index waited ${indexWaitedS} s)`,
      );
      assert.equal(
        settled,
        undefined,
        `${unconfirmed.length} accepted orders never confirmed: ${unconfirmed.slice(0, 5).join(', ')}`,
      );
      // Faults cost some orders a 503, not most of them: a platform that refuses everything proves nothing.
      assert.ok(acceptedPos.length >= 1_500, `only ${acceptedPos.length} of 3,000 orders were accepted`);
      assert.deepEqual(duplicates, [], 'an order is twice in Odoo');
      assert.deepEqual(refusedInOdoo, [], 'an order answered 503 is in Odoo');
      assert.equal(
        unknownInOdoo.length,
        unknownPos.length,
        'an "outcome unknown" order is not there exactly once',
      );
      assert.equal(deadLettered, 0, `records in ${dlqs.join(', ')}`);
      assert.deepEqual(
        statuses.slice(0, 5),
        [],
        `${statuses.length} tracking ids of accepted orders are not final`,
      );
    });
  },
);
