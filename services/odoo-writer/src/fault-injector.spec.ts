import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CRASH_EXIT_CODE, FaultInjector } from './fault-injector';

class Exit extends Error {}

describe('FaultInjector', () => {
  const exits: number[] = [];
  const exit = (code: number): never => {
    exits.push(code);
    throw new Exit(String(code));
  };

  it('is inert unless configured', () => {
    const sut = new FaultInjector({ crashAt: undefined, crashAfter: 1, crashDelayMs: 0 }, exit);
    sut.reach('before-call');
    sut.reach('after-commit');
    assert.deepEqual(exits, []);
  });

  it('exits with 137 at the n-th passage of its point, counting only the configured command type', async () => {
    const sut = new FaultInjector(
      { crashAt: 'before-call', crashAfter: 2, crashType: 'confirm_sale_order', crashDelayMs: 0 },
      exit,
    );
    sut.reach('before-call', { type: 'upsert_sale_order' });
    sut.reach('after-call', { type: 'confirm_sale_order' });
    await sut.forType('confirm_sale_order', () => Promise.resolve().then(() => sut.reach('before-call')));
    assert.deepEqual(exits, []);
    await assert.rejects(
      sut.forType('confirm_sale_order', () => Promise.resolve().then(() => sut.reach('before-call'))),
      Exit,
    );
    assert.deepEqual(exits, [CRASH_EXIT_CODE]);
  });
});
