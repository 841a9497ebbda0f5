import type { IncomingMessage } from 'node:http';

import { GatewayErrorCode, GatewayException } from '../gateway.exception';

/**
 * Reads the raw body, refusing it with 413 as soon as it is known to exceed `limit`: from Content-Length
 * before reading anything, else while reading (chunked uploads), so an oversized body is never buffered.
 */
export async function readBodyWithin(req: IncomingMessage, limit: number, policy: string): Promise<Buffer> {
  const tooLarge = (size: string): GatewayException =>
    new GatewayException(
      GatewayErrorCode.PayloadTooLarge,
      `The body is ${size}; this partner may send at most ${limit} bytes per request.`,
      { policy, extensions: { maxBodyBytes: limit } },
    );
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared)) {
      throw new GatewayException(GatewayErrorCode.InvalidRequest, 'Content-Length is not a number.');
    }
    if (Number(declared) > limit) throw tooLarge(`${declared} bytes`);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    throw new GatewayException(
      GatewayErrorCode.UnsupportedMediaType,
      `Content-Encoding ${encoding} is not accepted; send the document uncompressed.`,
    );
  }
  return await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the socket is not destroyed so the 413 can still be written (with Connection: close).
        cleanup();
        req.pause();
        reject(tooLarge(`more than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(
        new GatewayException(GatewayErrorCode.InvalidRequest, 'The body could not be read.', {
          cause: error,
        }),
      );
    };
    const onAborted = (): void => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
