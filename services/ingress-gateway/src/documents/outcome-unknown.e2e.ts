// e2e-lane: isolated (a private Kafka, registry and services of its own on their own ports)
// "Outcome unknown" through the HTTP API against a real broker that stops answering (SIGSTOP) with the
// upload's record already in its produce request: the gateway answers 504 publish-outcome-unknown with the
// tracking ids; while the broker is silent, the same Idempotency-Key is "in progress" (409), never 503
// "not accepted" (the record may still be written) and never processed a second time, even past the
// key's lease; once the broker answers, the same key replays 202 with the same tracking id, and the order
// is on ingress.documents exactly once.
//
// It pauses the broker, so it is an e2e (run alone, after the parallel medium tests) and runs only on a
// private stack (CI, or KAFKA_PORT and TW_STACK_DIR naming one: see deploy/local/stack.sh), e.g. `KAFKA_PORT=9192 KAFKA_CONTROLLER_PORT=9193 REGISTRY_PORT=8181
// REGISTRY_MANAGEMENT_PORT=9111 TW_STACK_DIR=/tmp/tw-private ./tradewind test <this file>`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { acmeJsonOrder } from '@tradewind/partner-testing';
import { expectEventually, uniqueName, waitForQuiescence } from '@tradewind/testing';

import { GatewayHarness, type Reply } from '../test/gateway-harness';

const env = process.env;
const privateStack = env.CI === 'true' || (env.KAFKA_PORT !== undefined && env.KAFKA_PORT !== '9092');
const PROBLEMS = 'https://docs.tradewind.example/problems/';

/** Stops or resumes the private stack's broker (stack.sh starts it as a process group). */
function signalBroker(signal: 'SIGSTOP' | 'SIGCONT'): void {
  const stackDir = env.TW_STACK_DIR ?? join(__dirname, '../../../../.stack');
  const pid = Number(readFileSync(join(stackDir, 'kafka.pid'), 'utf8').trim());
  try {
    process.kill(-pid, signal);
  } catch {
    process.kill(pid, signal);
  }
}

void describe(
  'the gateway answers 504 while the broker holds the records, and the Idempotency-Key learns the outcome',
  {
    skip:
      !privateStack &&
      'needs a private stack (CI=true, or KAFKA_PORT/TW_STACK_DIR of one): it pauses the broker',
  },
  () => {
    const harness = new GatewayHarness();
    let paused = false;

    before(async () => {
      await harness.startReader();
      // A lease shorter than the pause below: a key whose outcome is unknown must outlive its lease.
      await harness.startGateway(undefined, {
        GATEWAY_PUBLISH_TIMEOUT: '2s',
        GATEWAY_IDEMPOTENCY_LEASE: '4s',
      });
    });

    after(async () => {
      if (paused) signalBroker('SIGCONT');
      await harness.close();
    });

    const post = (poNumber: string, key: string): Promise<Reply> => {
      const order = acmeJsonOrder(poNumber);
      return harness.send('acme-portal-2026-06', 'POST', '/v1/documents/sales-order', {
        body: order.body,
        contentType: order.contentType,
        headers: { 'idempotency-key': key },
      });
    };

    void it('504 with the tracking ids, 409 while unknown, then the 202 replayed and one record', async () => {
      const run = uniqueName('UNKNOWN').toUpperCase();
      // The first hand-over (connection, metadata, schema ids) may take longer than the deadline.
      const warmKey = uniqueName('key');
      await expectEventually(async () => assert.equal((await post(`${run}-W`, warmKey)).status, 202), {
        timeoutMs: 60_000,
        intervalMs: 1_000,
        description: 'a first upload accepted',
      });

      // The warm-up's audit records (same producer, sent after the answer) must be out of the way: the
      // next upload's record must be the one in the produce request when the broker stops.
      const audited = async (): Promise<number> => {
        const text = await (await fetch(harness.url('/metrics'))).text();
        const line = /^tradewind_messages_produced_total\{[^}]*topic="ops\.audit"[^}]*\} (\d+)/m.exec(text);
        return Number(line?.[1] ?? 0);
      };
      await expectEventually(async () => assert.ok((await audited()) > 0), { timeoutMs: 30_000 });
      await waitForQuiescence(audited, { quietMs: 1_000, timeoutMs: 30_000 });
      signalBroker('SIGSTOP');
      paused = true;
      const key = uniqueName('unknown-key');
      const first = await post(`${run}-1`, key);
      assert.equal(first.status, 504, first.text);
      assert.equal(first.body.type, `${PROBLEMS}publish-outcome-unknown`);
      assert.ok(Number(first.headers.get('retry-after')) > 0, 'Retry-After');
      const trackingIds = first.body.trackingIds as string[];
      assert.equal(trackingIds.length, 1);

      // Longer than the lease (4 s) and than the producer's "broker unreachable" threshold (5 s).
      for (let i = 0; i < 6; i++) {
        await sleep(1_500);
        const again = await post(`${run}-1`, key);
        assert.equal(again.status, 409, `resubmission ${i + 1} while the broker is silent: ${again.text}`);
        assert.equal(again.body.type, `${PROBLEMS}idempotency-in-progress`);
      }
      // A new upload meanwhile is refused before any work: nothing of it is ever written.
      const refused = await post(`${run}-2`, uniqueName('key'));
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.type, `${PROBLEMS}publish-unavailable`);

      signalBroker('SIGCONT');
      paused = false;
      const settled = await expectEventually(
        async () => {
          const reply = await post(`${run}-1`, key);
          assert.notEqual(reply.status, 409, 'still in progress');
          return reply;
        },
        { timeoutMs: 60_000, intervalMs: 1_000, description: 'the outcome known' },
      );
      assert.equal(settled.status, 202, settled.text);
      assert.equal(settled.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(settled.body.trackingIds, trackingIds);

      const records = (po: string) => harness.ingress.filter((r) => r.value.businessRef === po);
      await waitForQuiescence(() => harness.ingress.length, { quietMs: 3_000, timeoutMs: 60_000 });
      const documentIds = new Set(records(`${run}-1`).map((r) => r.value.documentId));
      assert.deepEqual([...documentIds], trackingIds, 'written once, under the tracking id answered');
      assert.equal(records(`${run}-2`).length, 0, 'the upload answered 503 was written');
    });
  },
);
