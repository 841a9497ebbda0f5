// The runner's ordering, parking, retry, dead-letter and outage logic on the in-memory transport.
// consumer-runner.itest.ts and consumer-crash.itest.ts cover the same against the real broker.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { ExceptionKind } from '@tradewind/contracts';
import { expectEventually } from '@tradewind/testing';

import { consumerReadiness, ConsumerRunner, type ConsumerRunnerOptions } from './consumer-runner';
import { HEADER } from './headers';
import { InMemoryTransport, jsonDecoder, jsonRecord } from './in-memory.transport';
import { BusinessRuleError, DependencyUnavailableError } from './messaging.exception';
import { InMemoryParkedRecordStore } from './parked-records';

interface Step {
  id: string;
  step: number;
}

const TOPIC = 'unit.orders';
const GROUP = 'unit-group';

interface Harness {
  transport: InMemoryTransport;
  parked: InMemoryParkedRecordStore;
  runner: ConsumerRunner<Step>;
  handled: { key: string | null; step: number; attempt: number }[];
  send: (key: string, step: number, partition?: number) => void;
}

const running: ConsumerRunner<Step>[] = [];

async function harness(
  handler: ConsumerRunnerOptions<Step>['handler'],
  options: { partitions?: number; transport?: InMemoryTransport; parked?: InMemoryParkedRecordStore } = {},
): Promise<Harness> {
  const transport = options.transport ?? new InMemoryTransport();
  transport.createTopic(TOPIC, options.partitions ?? 1);
  const parked = options.parked ?? new InMemoryParkedRecordStore();
  const handled: Harness['handled'] = [];
  const runner = new ConsumerRunner<Step>({
    transport,
    decoder: jsonDecoder<Step>(),
    parked,
    groupId: GROUP,
    topic: TOPIC,
    retry: { inProcessAttempts: 2, maxAttempts: 4, delaysMs: [10, 20] },
    outage: { initialDelayMs: 5, maxDelayMs: 40 },
    handler: (record) => {
      handled.push({ key: record.key, step: record.value.step, attempt: record.attempt });
      return handler(record);
    },
  });
  await runner.start();
  running.push(runner);
  return {
    transport,
    parked,
    runner,
    handled,
    send: (key, step, partition) =>
      transport.produce(
        TOPIC,
        jsonRecord(key, { id: key, step }, { [HEADER.messageId]: `${key}/${step}` }),
        partition,
      ),
  };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((runner) => runner.stop()));
});

describe('ConsumerRunner on the in-memory transport', () => {
  it('parks a failing record, keeps its key in order behind it, and dead-letters it after every attempt', async () => {
    const h = await harness((record) =>
      record.value.id === 'A' && record.value.step === 1
        ? Promise.reject(new Error('always fails'))
        : Promise.resolve(),
    );
    h.send('A', 1);
    h.send('A', 2);
    for (let i = 0; i < 5; i++) h.send(`other-${i}`, 1);

    await expectEventually(() => assert.ok(h.handled.some((r) => r.key === 'A' && r.step === 2)), {
      timeoutMs: 5_000,
    });
    // The update ran only after its create had used up all four attempts.
    const a = h.handled.filter((r) => r.key === 'A');
    assert.deepEqual(
      a.map((r) => `${r.step}@${r.attempt}`),
      ['1@1', '1@2', '1@3', '1@4', '2@1'],
    );
    const dead = h.transport.messages(h.runner.topics.deadLetter);
    assert.equal(dead.length, 1);
    assert.equal(dead[0].headers[HEADER.attempt], '4');
    assert.equal(dead[0].headers[HEADER.originalOffset], '0');
    assert.deepEqual(
      h.transport.messages(h.runner.topics.retry).map((m) => m.headers[HEADER.parkedReason]),
      ['failed', 'key-parked'],
    );
    assert.equal(h.transport.exceptions[0].exception.kind, ExceptionKind.DeadLetter);
    assert.equal(h.handled.filter((r) => r.key?.startsWith('other-')).length, 5);
    await expectEventually(async () => assert.equal(await h.parked.count(GROUP, TOPIC), 0), {
      timeoutMs: 5_000,
    });
    assert.equal(h.transport.committedOffset(GROUP, TOPIC, 0), 7);
  });

  it('sends a business-rule failure to ops.exceptions at once and a record that is not JSON to the dead letters', async () => {
    const h = await harness((record) =>
      record.value.id === 'B'
        ? Promise.reject(
            new BusinessRuleError('UNKNOWN_SKU', 'SKU-404', [{ code: 'UNKNOWN_SKU', message: 'x' }]),
          )
        : Promise.resolve(),
    );
    h.send('B', 1);
    h.transport.produce(TOPIC, { key: 'C', value: Buffer.from('not json'), headers: {} });
    await expectEventually(() => assert.equal(h.transport.exceptions.length, 2), { timeoutMs: 5_000 });
    const kinds = h.transport.exceptions.map((e) => `${e.key}:${e.exception.kind}:${e.exception.code}`);
    assert.deepEqual(kinds.sort(), ['B:business:UNKNOWN_SKU', 'C:dead_letter:PoisonRecordError']);
    assert.equal(h.handled.filter((r) => r.key === 'B').length, 1, 'a business failure was retried');
    assert.equal(h.transport.messages(h.runner.topics.deadLetter).length, 1);
  });

  it('holds every record while a dependency is down, far beyond the retry budget, and dead-letters nothing', async () => {
    let outageCalls = 0;
    let down = true;
    const h = await harness(() => {
      if (!down) return Promise.resolve();
      // Well past 4 attempts × every record: with attempts counted, all of them would be dead letters.
      if (++outageCalls >= 40) down = false;
      return Promise.reject(new DependencyUnavailableError('odoo', 'Odoo answered 503'));
    });
    for (let i = 0; i < 6; i++) h.send(`order-${i % 3}`, i);

    await expectEventually(
      () =>
        assert.deepEqual(
          h.runner.health.unavailable.map((d) => d.dependency),
          ['odoo'],
        ),
      {
        timeoutMs: 5_000,
      },
    );
    await assert.rejects(consumerReadiness(() => [h.runner]).check(), /unit-group waits for odoo since/);
    await expectEventually(() => assert.equal(h.transport.committedOffset(GROUP, TOPIC, 0), 6), {
      timeoutMs: 10_000,
    });
    assert.ok(outageCalls >= 40);
    assert.deepEqual(
      [...new Set(h.handled.map((r) => r.attempt))],
      [1],
      'a wait for the dependency used up an attempt',
    );
    assert.equal(h.transport.messages(h.runner.topics.deadLetter).length, 0);
    assert.equal(h.transport.messages(h.runner.topics.retry).length, 0);
    assert.equal(h.transport.exceptions.length, 0);
    assert.deepEqual(h.runner.health.unavailable, []);
    await consumerReadiness(() => [h.runner]).check();
    // Per key, records still ran in offset order once the dependency was back.
    const after = h.handled.slice(-6);
    for (const key of ['order-0', 'order-1', 'order-2']) {
      const steps = after.filter((r) => r.key === key).map((r) => r.step);
      assert.deepEqual(
        steps,
        [...steps].sort((x, y) => x - y),
      );
    }
  });

  it('probes one record at a time while the dependency is down, instead of every record hammering it', async () => {
    let down = false;
    let calls = 0;
    let whileDown = 0;
    let maxWhileDown = 0;
    const h = await harness(async () => {
      const entered = down;
      if (entered) maxWhileDown = Math.max(maxWhileDown, ++whileDown);
      await new Promise((resolve) => setImmediate(resolve));
      if (entered) whileDown--;
      if (++calls < 30) {
        down = true;
        throw new DependencyUnavailableError('database', 'connection refused');
      }
      down = false;
    });
    for (let i = 0; i < 10; i++) h.send(`k${i}`, 1);
    await expectEventually(() => assert.equal(h.transport.committedOffset(GROUP, TOPIC, 0), 10), {
      timeoutMs: 10_000,
    });
    // The first wave runs before the outage is known; once it is, attempts are lone probes.
    assert.ok(calls >= 30);
    assert.equal(maxWhileDown, 1, 'more than one record tried the dependency at once during the outage');
    assert.equal(h.transport.messages(h.runner.topics.deadLetter).length, 0);
  });

  it('recognises PostgreSQL connection failures without a typed error, and holds the retry stage too', async () => {
    let failing = 'technical';
    let dbDownCalls = 0;
    const h = await harness((record) => {
      if (record.value.id !== 'P') return Promise.resolve();
      if (failing === 'technical') {
        // Two in-process attempts fail on their own: the record is parked in the retry topic.
        if (record.attempt >= 2) failing = 'database';
        return Promise.reject(new Error('a bug'));
      }
      if (failing === 'database' && ++dbDownCalls < 25) {
        return Promise.reject(
          Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
        );
      }
      return Promise.resolve();
    });
    h.send('P', 1);
    await expectEventually(() => assert.ok(dbDownCalls >= 25 && h.handled.at(-1)?.attempt === 3), {
      timeoutMs: 10_000,
    });
    await expectEventually(async () => assert.equal(await h.parked.count(GROUP, TOPIC), 0), {
      timeoutMs: 5_000,
    });
    assert.equal(
      h.transport.messages(h.runner.topics.deadLetter).length,
      0,
      'dead-lettered during the outage',
    );
    assert.deepEqual(
      [...new Set(h.handled.map((r) => r.attempt))],
      [1, 2, 3],
      'attempts advanced while the database was down',
    );
  });

  it('a record held at shutdown stays uncommitted and is delivered again after a restart', async () => {
    const transport = new InMemoryTransport();
    const parked = new InMemoryParkedRecordStore();
    let down = true;
    const first = await harness(
      () => (down ? Promise.reject(new DependencyUnavailableError('odoo', 'down')) : Promise.resolve()),
      { transport, parked },
    );
    first.send('S', 1);
    await expectEventually(() => assert.equal(first.runner.health.unavailable.length, 1), {
      timeoutMs: 5_000,
    });
    await first.runner.stop();
    assert.equal(transport.committedOffset(GROUP, TOPIC, 0), 0);
    down = false;
    const second = await harness(() => Promise.resolve(), { transport, parked });
    await expectEventually(() => assert.equal(transport.committedOffset(GROUP, TOPIC, 0), 1), {
      timeoutMs: 5_000,
    });
    assert.deepEqual(
      second.handled.map((r) => `${r.key}@${r.attempt}`),
      ['S@1'],
    );
    assert.equal(transport.messages(first.runner.topics.deadLetter).length, 0);
  });
});
