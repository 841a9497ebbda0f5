import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PersistenceErrorCode, PersistenceException } from './persistence.exception';
import { assertSchemaName, schemaLockKey } from './schema-name';

void describe('schema names', () => {
  void it('accepts lower-case identifiers', () => {
    for (const name of ['order_intake', '_x', 'a1', 'a'.repeat(63)])
      assert.equal(assertSchemaName(name), name);
  });

  void it('rejects names that would need quoting or are reserved', () => {
    for (const name of ['', 'Order', '1abc', 'a-b', 'a b', 'a"b', 'pg_temp', 'a'.repeat(64), 'x;drop']) {
      assert.throws(
        () => assertSchemaName(name),
        (error) =>
          error instanceof PersistenceException && error.code === PersistenceErrorCode.InvalidSchemaName,
        name,
      );
    }
  });

  void it('derives a stable signed 32-bit advisory lock key', () => {
    const key = schemaLockKey('order_intake');
    assert.equal(key, schemaLockKey('order_intake'));
    assert.notEqual(key, schemaLockKey('order_intakf'));
    assert.ok(Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31);
    // FNV-1a of "a": pinned so the key never changes between releases (two versions must agree).
    assert.equal(schemaLockKey('a'), 0xe40c292c | 0);
  });
});
