// Uploads a document to a partner's SFTP server (ssh2-sftp-client): under a temporary name first, then
// renamed to its final name, so the partner never picks up half a file; SFTP's rename refuses to replace
// a file, so nothing of the partner's is overwritten. The file name comes from the outboundId: a resend
// after a crash between upload and record finds its own file in place (same size and SHA-256) and counts
// as delivered; a different file under that name is refused. Each delivery gets a receipt.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';

import type { FileReceipt } from '@tradewind/contracts';
import { createLogger } from '@tradewind/observability';
import SftpClient from 'ssh2-sftp-client';

import {
  type ChannelSender,
  DeliveryFailure,
  FailureKind,
  type OutgoingDocument,
  type SentDocument,
} from './channel-sender';

export interface SftpTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey?: string;
  readonly password?: string;
  /** `SHA256:<base64>`: the only host key accepted. */
  readonly hostKey: string;
  readonly remoteDir: string;
  readonly fileName: string;
  readonly timeoutMs: number;
}

const EXTENSIONS: Readonly<Record<string, string>> = { x12: 'x12', json: 'json', csv: 'csv', edifact: 'edi' };

/** The file name of a document: the template's placeholders filled, anything unsafe replaced by `_`. */
export function remoteFileName(template: string, document: OutgoingDocument): string {
  const values: Record<string, string> = {
    partnerId: document.partnerId,
    documentType: document.documentType,
    outboundId: document.outboundId,
    ext: EXTENSIONS[document.format] ?? 'dat',
    date: document.createdAt.toISOString().slice(0, 10).replace(/-/g, ''),
  };
  return template
    .replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)
    .replace(/[^A-Za-z0-9._-]/g, '_');
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export class SftpSender implements ChannelSender {
  private readonly log = createLogger(SftpSender.name);

  constructor(private readonly target: SftpTarget) {}

  async send(document: OutgoingDocument, signal: AbortSignal): Promise<SentDocument> {
    const t = this.target;
    const fileName = remoteFileName(t.fileName, document);
    const remotePath = posix.join(t.remoteDir, fileName);
    const tempPath = posix.join(t.remoteDir, `.${fileName}.part`);
    const sha256 = sha256Hex(document.payload);
    const client = new SftpClient(`delivery-${document.partnerId}`, {
      error: (err: unknown) => this.log.debug({ err, host: t.host }, 'sftp connection error'),
      end: () => undefined,
      close: () => undefined,
    });
    const abort = (): void => void client.end().catch(() => undefined);
    signal.addEventListener('abort', abort, { once: true });
    let step = 'connect';
    try {
      let presented: string | undefined;
      await client
        .connect({
          host: t.host,
          port: t.port,
          username: t.username,
          ...(t.privateKey === undefined ? {} : { privateKey: t.privateKey }),
          ...(t.password === undefined ? {} : { password: t.password }),
          readyTimeout: t.timeoutMs,
          retries: 0,
          hostVerifier: (key: Buffer) => {
            presented = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
            return presented === t.hostKey.replace(/=+$/, '');
          },
        })
        .catch((error: unknown) => {
          if (presented !== undefined && presented !== t.hostKey.replace(/=+$/, ''))
            throw new Error(`host key ${presented} is not the configured ${t.hostKey}`, { cause: error });
          throw error;
        });
      signal.throwIfAborted();
      step = 'stat';
      const existing = await client.exists(remotePath);
      if (existing === '-') {
        const stat = await client.stat(remotePath);
        const same =
          stat.size === document.payload.length &&
          sha256Hex((await client.get(remotePath)) as Buffer) === sha256;
        if (!same) {
          throw new DeliveryFailure(
            FailureKind.Rejected,
            `${remotePath} exists on ${t.host} with other content; not overwritten`,
          );
        }
        return {
          alreadyPresent: true,
          receipt: receipt(fileName, remotePath, document.payload.length, sha256),
        };
      }
      step = 'mkdir';
      if ((await client.exists(t.remoteDir)) === false) await client.mkdir(t.remoteDir, true);
      step = 'upload';
      await client.put(document.payload, tempPath);
      signal.throwIfAborted();
      step = 'rename';
      await client.rename(tempPath, remotePath);
      step = 'verify';
      const stat = await client.stat(remotePath);
      if (stat.size !== document.payload.length) {
        throw new Error(
          `${remotePath} has ${stat.size} bytes after the upload, not ${document.payload.length}`,
        );
      }
      return { receipt: receipt(fileName, remotePath, stat.size, sha256) };
    } catch (error) {
      if (error instanceof DeliveryFailure) throw error;
      const reason = signal.aborted ? `timed out after ${t.timeoutMs} ms` : errorMessage(error);
      throw new DeliveryFailure(
        FailureKind.Unavailable,
        `sftp://${t.username}@${t.host}:${t.port} ${step} ${remotePath}: ${reason}`,
        undefined,
        { cause: error },
      );
    } finally {
      signal.removeEventListener('abort', abort);
      await client.end().catch(() => undefined);
    }
  }
}

function receipt(fileName: string, remotePath: string, sizeBytes: number, sha256: string): FileReceipt {
  return { fileName, remotePath, sizeBytes, sha256, storedAt: Date.now() };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
