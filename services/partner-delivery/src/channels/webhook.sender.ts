// POSTs a document to a partner's webhook, signed by us (TW1-HMAC-SHA256, libs/partners/auth), with the
// document's outboundId as Idempotency-Key. Only the answer's status matters: a bounded part of its body is
// read for the error message and the rest discarded, redirects are not followed.
import { DELIVERY_HEADERS, signedWebhookHeaders, type WebhookSigner } from '@tradewind/partner-auth';

import {
  type ChannelSender,
  DeliveryFailure,
  FailureKind,
  type OutgoingDocument,
  type SentDocument,
} from './channel-sender';

export interface WebhookTarget {
  readonly url: string;
  readonly signer: WebhookSigner;
  /** The partner's own token header, resolved. */
  readonly authHeader?: { readonly name: string; readonly value: string };
  readonly maxResponseBytes: number;
}

/** Statuses that say the endpoint (not the document) is in trouble: retried and counted by the breaker. */
const UNAVAILABLE_STATUSES = new Set([408, 425, 429]);

export class WebhookSender implements ChannelSender {
  private readonly url: URL;

  constructor(private readonly target: WebhookTarget) {
    this.url = new URL(target.url);
  }

  async send(document: OutgoingDocument, signal: AbortSignal): Promise<SentDocument> {
    const path = `${this.url.pathname}${this.url.search}`;
    const headers: Record<string, string> = {
      'content-type': document.contentType,
      [DELIVERY_HEADERS.idempotencyKey]: document.outboundId,
      [DELIVERY_HEADERS.deliveryId]: document.outboundId,
      [DELIVERY_HEADERS.documentType]: document.documentType,
      [DELIVERY_HEADERS.attempt]: String(document.attempt),
      ...signedWebhookHeaders(this.target.signer, { method: 'POST', path, body: document.payload }),
    };
    if (document.relatesTo.length > 0) headers[DELIVERY_HEADERS.relatesTo] = document.relatesTo.join(',');
    if (this.target.authHeader !== undefined)
      headers[this.target.authHeader.name.toLowerCase()] = this.target.authHeader.value;
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers,
        body: document.payload,
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw new DeliveryFailure(
        FailureKind.Unavailable,
        `POST ${this.url.origin}${path}: ${describe(error)}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    const excerpt = await readExcerpt(response, this.target.maxResponseBytes);
    const status = response.status;
    if (status >= 200 && status < 300) return { httpStatus: status };
    const message = `POST ${this.url.origin}${path} answered ${status}${excerpt === '' ? '' : `: ${excerpt}`}`;
    if (status >= 500 || UNAVAILABLE_STATUSES.has(status))
      throw new DeliveryFailure(FailureKind.Unavailable, message, status);
    throw new DeliveryFailure(FailureKind.Rejected, message, status);
  }
}

/** At most `limit` bytes of the body as text (for the error message); the rest is cancelled, not read. */
async function readExcerpt(response: Response, limit: number): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  const reader = body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
      size += value.byteLength;
    }
  } catch {
    // A body that breaks off says nothing more than its status.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks)
    .subarray(0, Math.min(limit, 200))
    .toString('utf8')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim();
}

function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return parts.join(': ') || String(error);
}
