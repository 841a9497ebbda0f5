import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { childTraceparent, isValidTraceparent, newTraceparent, parseTraceparent } from './traceparent';

const EXAMPLE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

void describe('traceparent', () => {
  void it('parses the W3C example', () => {
    assert.deepEqual(parseTraceparent(EXAMPLE), {
      version: '00',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      flags: '01',
      sampled: true,
    });
  });

  void it('rejects malformed values', () => {
    for (const bad of [
      undefined,
      '',
      'garbage',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', // upper case
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // zero trace id
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // zero parent id
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // forbidden version
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', // version 00 has exactly four fields
      '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', // short trace id
    ]) {
      assert.equal(isValidTraceparent(bad), false, String(bad));
    }
  });

  void it('accepts a future version with extra fields', () => {
    assert.equal(
      parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-xyz')?.sampled,
      false,
    );
  });

  void it('creates valid, distinct, sampled traces', () => {
    const a = newTraceparent();
    const b = newTraceparent();
    assert.ok(isValidTraceparent(a));
    assert.notEqual(parseTraceparent(a)?.traceId, parseTraceparent(b)?.traceId);
    assert.equal(parseTraceparent(a)?.sampled, true);
  });

  void it('makes a child span in the same trace, keeping the flags', () => {
    const child = parseTraceparent(childTraceparent(EXAMPLE));
    assert.equal(child?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.notEqual(child?.parentId, '00f067aa0ba902b7');
    assert.equal(child?.flags, '01');
  });

  void it('starts a new trace when the parent is invalid', () => {
    assert.ok(isValidTraceparent(childTraceparent('nonsense')));
    assert.ok(isValidTraceparent(childTraceparent(undefined)));
  });
});
