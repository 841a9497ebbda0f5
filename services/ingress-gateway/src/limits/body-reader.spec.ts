import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';

import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { readBodyWithin } from './body-reader';

function fakeRequest(headers: Record<string, string>, chunks: string[]): IncomingMessage {
  const stream = new PassThrough();
  Object.assign(stream, { headers });
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
  return stream as unknown as IncomingMessage;
}

const refusedWith = (code: GatewayErrorCode) => (error: unknown) =>
  error instanceof GatewayException && error.code === code;

void describe('readBodyWithin', () => {
  void it('reads a body within the limit', async () => {
    const body = await readBodyWithin(fakeRequest({ 'content-length': '6' }, ['abc', 'def']), 6, 'p');
    assert.equal(body.toString(), 'abcdef');
  });

  void it('refuses by Content-Length before reading anything', async () => {
    const req = fakeRequest({ 'content-length': '7' }, ['abcdefg']);
    await assert.rejects(readBodyWithin(req, 6, 'p'), refusedWith(GatewayErrorCode.PayloadTooLarge));
    assert.equal(req.readableLength, 0);
  });

  void it('refuses a chunked body as soon as it passes the limit', async () => {
    const req = fakeRequest({}, ['abcd', 'efgh', 'ijkl']);
    await assert.rejects(readBodyWithin(req, 6, 'p'), refusedWith(GatewayErrorCode.PayloadTooLarge));
  });

  void it('refuses compressed bodies and malformed lengths', async () => {
    await assert.rejects(
      readBodyWithin(fakeRequest({ 'content-encoding': 'gzip' }, ['x']), 6, 'p'),
      refusedWith(GatewayErrorCode.UnsupportedMediaType),
    );
    await assert.rejects(
      readBodyWithin(fakeRequest({ 'content-length': 'ten' }, ['x']), 6, 'p'),
      refusedWith(GatewayErrorCode.InvalidRequest),
    );
  });
});
