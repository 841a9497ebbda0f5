import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { runWithCorrelation } from '../correlation/correlation.context';
import { captureLogs } from './log-capture';
import { createLogger } from './logger';

void describe('createRootLogger / createLogger', () => {
  void it('writes JSON lines with an ISO time, the level as a word, service and context', () => {
    const { logger, lines } = captureLogs({ service: 'order-intake' });
    createLogger('OrderService', { shard: 3 }, logger).info({ orderId: 'o-1' }, 'accepted');
    const [line] = lines();
    assert.equal(line.level, 'info');
    assert.equal(line.msg, 'accepted');
    assert.equal(line.service, 'order-intake');
    assert.equal(line.context, 'OrderService');
    assert.equal(line.shard, 3);
    assert.equal(line.orderId, 'o-1');
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  void it('adds the current correlation to every line, also after awaits', async () => {
    const { logger, lines } = captureLogs();
    const log = createLogger('Handler', {}, logger);
    log.info('outside');
    await runWithCorrelation(
      {
        correlationId: 'corr-1',
        causationId: 'msg-0',
        partnerId: 'acme',
        sourceSystem: 'edi',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
      async () => {
        log.info('before');
        await sleep(1);
        log.warn('after');
      },
    );
    const [outside, before, after] = lines();
    assert.equal(outside.correlationId, undefined);
    for (const line of [before, after]) {
      assert.equal(line.correlationId, 'corr-1');
      assert.equal(line.causationId, 'msg-0');
      assert.equal(line.partnerId, 'acme');
      assert.equal(line.sourceSystem, 'edi');
      assert.equal(line.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    }
  });

  void it('keeps concurrent runs apart in the log', async () => {
    const { logger, lines } = captureLogs();
    const log = createLogger('Handler', {}, logger);
    await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        runWithCorrelation({ correlationId: id }, async () => {
          await sleep(id === 'a' ? 3 : 1);
          log.info({ expected: id }, 'done');
        }),
      ),
    );
    for (const line of lines()) assert.equal(line.correlationId, line.expected);
  });

  void it('children follow a level change of their root made after they were created', () => {
    const { logger, lines } = captureLogs({ level: 'info' });
    const log = createLogger('Early', {}, logger);
    log.debug('hidden');
    logger.level = 'debug';
    log.debug('shown');
    assert.deepEqual(
      lines().map((l) => l.msg),
      ['shown'],
    );
  });

  void it('serialises errors with their cause and redacts obvious secrets', () => {
    const { logger, lines } = captureLogs();
    const err = new Error('write failed', { cause: new Error('connection reset') });
    logger.error({ err, password: 'p4ss', request: { headers: { authorization: 'Bearer x' } } }, 'boom');
    const [line] = lines();
    const serialised = line.err as { message: string; stack: string; cause: { message: string } };
    assert.equal(serialised.message, 'write failed');
    assert.match(serialised.stack, /^Error: write failed\n\s+at /);
    assert.equal(serialised.cause.message, 'connection reset');
    assert.equal(line.password, '****');
    assert.deepEqual(line.request, { headers: { authorization: '****' } });
  });
});
