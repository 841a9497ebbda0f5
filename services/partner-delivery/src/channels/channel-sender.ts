// What a channel (webhook, SFTP) does with one document, and how its failures are told apart: the
// endpoint was unavailable (counts towards its circuit breaker) or refused this document (it does not).
import type { FileReceipt } from '@tradewind/contracts';

/** One delivery as a channel sees it. */
export interface OutgoingDocument {
  readonly outboundId: string;
  readonly partnerId: string;
  readonly documentType: string;
  readonly format: string;
  readonly contentType: string;
  readonly relatesTo: readonly string[];
  readonly payload: Buffer;
  readonly createdAt: Date;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

export interface SentDocument {
  readonly httpStatus?: number;
  readonly receipt?: FileReceipt;
  /** SFTP: the file was found in place already (a resend after a crash between upload and record). */
  readonly alreadyPresent?: boolean;
}

export enum FailureKind {
  /** Connection refused or reset, TLS, timeout, 5xx, 408/425/429: the endpoint, not the document. */
  Unavailable = 'unavailable',
  /** The partner refused this document (a 4xx, a rejected upload path): retried, but not an outage. */
  Rejected = 'rejected',
}

export class DeliveryFailure extends Error {
  override readonly name = 'DeliveryFailure';

  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ChannelSender {
  /** Resolves when the partner has the document; throws DeliveryFailure otherwise. Honors `signal`. */
  send(document: OutgoingDocument, signal: AbortSignal): Promise<SentDocument>;
  close?(): Promise<void>;
}
