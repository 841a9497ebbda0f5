import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeJsonValue, encodeJsonValue } from './json-value.codec';
import { PersistenceErrorCode, PersistenceException } from './persistence.exception';

function roundTrip(value: unknown): unknown {
  // Through text, as a jsonb column would store it.
  return decodeJsonValue(JSON.parse(JSON.stringify(encodeJsonValue(value))));
}

function rejects(value: unknown): void {
  assert.throws(
    () => encodeJsonValue(value),
    (error) => error instanceof PersistenceException && error.code === PersistenceErrorCode.UnsupportedValue,
  );
}

void describe('json value codec', () => {
  void it('keeps Buffers (Avro bytes) at any depth', () => {
    const value = { id: 'a', blob: Buffer.from([0, 1, 254, 255]), list: [{ inner: Buffer.alloc(0) }] };
    const back = roundTrip(value) as typeof value;
    assert.ok(Buffer.isBuffer(back.blob));
    assert.deepEqual(back, value);
  });

  void it('stores bytes as {"$bytes": base64}', () => {
    assert.deepEqual(encodeJsonValue({ b: Buffer.from('hi') }), { b: { $bytes: 'aGk=' } });
  });

  void it('turns a Uint8Array view into a Buffer of exactly its bytes', () => {
    const backing = Buffer.from([9, 1, 2, 3, 9]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 1, 3);
    assert.deepEqual(roundTrip({ view }), { view: Buffer.from([1, 2, 3]) });
  });

  void it('keeps Dates', () => {
    const at = new Date('2026-03-01T10:00:00.123Z');
    assert.deepEqual(roundTrip({ at }), { at });
  });

  void it('never mistakes a payload key that starts with $ for a marker', () => {
    const value = { $bytes: 'not base64 at all', nested: { $date: 'x', $$odd: 1 } };
    assert.deepEqual(roundTrip(value), value);
  });

  void it('leaves plain JSON alone and drops undefined properties as JSON does', () => {
    assert.deepEqual(roundTrip({ a: 1, b: 'x', c: null, d: [true, undefined], e: undefined }), {
      a: 1,
      b: 'x',
      c: null,
      d: [true, null],
    });
  });

  void it('encodes class instances (avsc records) by their own properties', () => {
    class Record {
      constructor(
        readonly sku: string,
        readonly qty: number,
      ) {}
    }
    assert.deepEqual(roundTrip(new Record('SKU-1', 3)), { sku: 'SKU-1', qty: 3 });
  });

  void it('refuses what JSON would silently change', () => {
    rejects({ n: Number.NaN });
    rejects({ n: Infinity });
    rejects({ n: 10n });
    rejects({ m: new Map() });
    rejects({ s: new Set([1]) });
    rejects({ f: () => 1 });
    rejects(undefined);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    rejects(cycle);
  });

  void it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    assert.deepEqual(roundTrip({ a: shared, b: shared }), { a: { x: 1 }, b: { x: 1 } });
  });
});
