import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DocumentProblemCode } from './document-problem';
import { decodeUtf8, firstInvalidUtf8Offset } from './text-decoding';

void describe('decodeUtf8', () => {
  void it('decodes UTF-8 and strips a BOM, reporting the bytes skipped', () => {
    const result = decodeUtf8(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Café,1', 'utf8')]),
    );
    assert.deepEqual(result, { ok: true, text: 'Café,1', byteOffset: 3 });
  });

  void it('refuses Latin-1 bytes with the offset of the first bad byte', () => {
    // "Caf" then 0xE9 (é in Latin-1) then ",1"
    const result = decodeUtf8(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x2c, 0x31]));
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal(result.problems[0].code, DocumentProblemCode.EncodingInvalidUtf8);
    assert.deepEqual(result.problems[0].at, { kind: 'bytes', byteOffset: 3 });
    assert.equal(result.problems[0].location, 'byte offset 3');
    assert.match(result.problems[0].message, /0xE9 at offset 3/);
  });

  void it('counts the BOM in the offset it reports', () => {
    const result = decodeUtf8(Buffer.from([0xef, 0xbb, 0xbf, 0x41, 0xff]));
    assert.ok(!result.ok);
    assert.deepEqual(result.problems[0].at, { kind: 'bytes', byteOffset: 4 });
  });

  void it('locates overlong forms, surrogates and sequences cut at the end', () => {
    assert.equal(firstInvalidUtf8Offset(Buffer.from([0x41, 0xc0, 0x80])), 1);
    assert.equal(firstInvalidUtf8Offset(Buffer.from([0x41, 0x42, 0xed, 0xa0, 0x80])), 2);
    assert.equal(firstInvalidUtf8Offset(Buffer.from([0x41, 0xe2, 0x82])), 1);
    assert.equal(firstInvalidUtf8Offset(Buffer.from('€ok', 'utf8')), 5);
  });
});
