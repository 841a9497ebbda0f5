import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { KafkaJSConnectionError, KafkaJSNonRetriableError } from 'kafkajs';

import { isTransientKafkaError, whileKafkaIsTransient } from './kafka';

void describe('whileKafkaIsTransient', () => {
  void it('tries a start-up step again after a lost connection, cleaning each failed attempt up', async () => {
    let attempts = 0;
    let undone = 0;
    const result = await whileKafkaIsTransient(
      () => {
        attempts++;
        // What kafkajs reports for a socket the broker closed (tulios/kafkajs#1617).
        if (attempts < 3)
          return Promise.reject(new KafkaJSConnectionError('Connection error: write after end'));
        return Promise.resolve('started');
      },
      { undo: () => Promise.resolve(void undone++) },
    );
    assert.equal(result, 'started');
    assert.equal(attempts, 3);
    assert.equal(undone, 2);
  });

  void it('fails at once on an error that is not the broker being away', async () => {
    let attempts = 0;
    await assert.rejects(
      whileKafkaIsTransient(() => {
        attempts++;
        return Promise.reject(new KafkaJSNonRetriableError('Invalid topic'));
      }),
      /Invalid topic/,
    );
    assert.equal(attempts, 1);
  });

  void it('gives up after its deadline with the last error', async () => {
    let attempts = 0;
    await assert.rejects(
      whileKafkaIsTransient(
        () => {
          attempts++;
          return Promise.reject(new KafkaJSConnectionError('connect ECONNREFUSED'));
        },
        { deadlineMs: 300 },
      ),
      /ECONNREFUSED/,
    );
    assert.ok(attempts >= 2 && attempts <= 4, `${attempts} attempts`);
  });

  void it('counts a retriable cause as transient, a plain error not', () => {
    assert.ok(isTransientKafkaError(new Error('wrapped', { cause: new KafkaJSConnectionError('gone') })));
    assert.equal(isTransientKafkaError(new Error('schema not registered')), false);
    assert.equal(isTransientKafkaError('text'), false);
  });
});
