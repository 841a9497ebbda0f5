import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Logger } from '@nestjs/common';
import { captureLogs, runWithCorrelation } from '@tradewind/observability';

import { PinoLoggerService } from './pino-logger.service';

void describe('PinoLoggerService', () => {
  void it("turns Nest's class-scoped Logger calls into JSON lines with context and correlation", () => {
    const { logger, lines } = captureLogs({ level: 'trace' });
    Logger.overrideLogger(new PinoLoggerService(logger));
    try {
      const log = new Logger('OrderController');
      runWithCorrelation({ correlationId: 'corr-7' }, () => {
        log.log('received');
        log.warn({ orderId: 'o-1' });
        log.debug('details');
        log.verbose('chatter');
        log.error('failed', new Error('x').stack);
        log.fatal('dying');
      });
      const got = lines();
      assert.deepEqual(
        got.map((l) => [l.level, l.context, l.correlationId]),
        [
          ['info', 'OrderController', 'corr-7'],
          ['warn', 'OrderController', 'corr-7'],
          ['debug', 'OrderController', 'corr-7'],
          ['trace', 'OrderController', 'corr-7'],
          ['error', 'OrderController', 'corr-7'],
          ['fatal', 'OrderController', 'corr-7'],
        ],
      );
      assert.equal(got[0].msg, 'received');
      assert.equal(got[1].orderId, 'o-1');
      assert.match(String(got[4].stack), /^Error: x\n\s+at /);
    } finally {
      Logger.overrideLogger(true);
    }
  });

  void it('reads a lone stack passed to error() as a stack, not as a context', () => {
    const { logger, lines } = captureLogs();
    const service = new PinoLoggerService(logger);
    const stack = new Error('boom').stack!;
    service.error('failed', stack);
    service.error(new Error('thrown'), 'Ctx');
    const [first, second] = lines();
    assert.equal(first.context, undefined);
    assert.equal(first.stack, stack);
    assert.equal(second.context, 'Ctx');
    assert.equal(second.msg, 'thrown');
    assert.match(String((second.err as { stack: string }).stack), /thrown/);
  });

  void it("applies Nest's level list to its own lines only", () => {
    const { logger, lines } = captureLogs({ level: 'info' });
    const service = new PinoLoggerService(logger);
    service.setLogLevels(['error', 'warn']);
    service.log('hidden');
    service.warn('shown');
    logger.info('root still at info');
    assert.deepEqual(
      lines().map((l) => l.msg),
      ['shown', 'root still at info'],
    );
  });
});
