// The gateway's hand-over to Kafka, and what it may truthfully tell the partner about it: accepted
// (every record acknowledged), not accepted (none was handed to the broker), or outcome unknown.
import { Inject, Injectable } from '@nestjs/common';
import type { TopicValueMap } from '@tradewind/contracts';
import { OutcomeUnknownException, type SendOptions, TypedProducer } from '@tradewind/messaging';
import { createLogger } from '@tradewind/observability';

import type { GatewayConfig } from '../gateway.config';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { GATEWAY_CONFIG } from '../gateway.tokens';

/** One record's send, given the deadline to pass on to the producer. */
export type Publication = (options: SendOptions) => Promise<void>;

export type PublicationOutcome =
  | { readonly kind: 'accepted' }
  /** Nothing was handed to the broker: the records are withdrawn and will never be written. */
  | { readonly kind: 'not-accepted'; readonly cause: unknown }
  /** Some records were with the broker at the deadline; `written` settles true once all are. */
  | { readonly kind: 'outcome-unknown'; readonly cause: unknown; readonly written: Promise<boolean> };

const RETRY_AFTER_SECONDS = 5;
// Room for the ingress.documents fields and headers around an inline payload.
const ENVELOPE_ALLOWANCE_BYTES = 16_384;

@Injectable()
export class DocumentPublication {
  private readonly log = createLogger(DocumentPublication.name);

  constructor(
    @Inject(TypedProducer) private readonly producer: TypedProducer<TopicValueMap>,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    // What the gateway accepts must be what it can carry: an order it lets through always fits.
    const fits = producer.recordLimitBytes - ENVELOPE_ALLOWANCE_BYTES;
    if (config.gateway.maxInlinePayloadBytes > fits) {
      throw new Error(
        `GATEWAY_MAX_INLINE_PAYLOAD_BYTES is ${config.gateway.maxInlinePayloadBytes}; records of at most ${fits} payload bytes fit the broker's limit`,
      );
    }
  }

  /** Before any work: 503 + Retry-After when the producer's queue is full or the broker does not answer. */
  admit(): void {
    const admission = this.producer.admission();
    if (admission.accepting) return;
    throw new GatewayException(
      GatewayErrorCode.PublishUnavailable,
      'The platform cannot take documents right now; nothing was accepted. Send them again later (with the same Idempotency-Key).',
      { retryAfterSeconds: RETRY_AFTER_SECONDS, policy: `publish:${admission.reason}` },
    );
  }

  /** Sends every record under one deadline (GATEWAY_PUBLISH_TIMEOUT) and says what is known. */
  async publishAll(publications: readonly Publication[]): Promise<PublicationOutcome> {
    const deadlineMs = this.config.gateway.publishTimeoutMs;
    const results = await Promise.allSettled(publications.map((publish) => publish({ deadlineMs })));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length === 0) return { kind: 'accepted' };
    const unknown = failures.filter((e) => e instanceof OutcomeUnknownException);
    if (unknown.length === 0 && failures.length === results.length) {
      return { kind: 'not-accepted', cause: failures[0] };
    }
    // Some records are (or may be) written: the upload can no longer be "not accepted". Records that
    // were definitely not sent go again without a deadline, so the upload ends whole or reported.
    const eventually = results.map((result, i) => {
      if (result.status === 'fulfilled') return Promise.resolve();
      const error: unknown = result.reason;
      return error instanceof OutcomeUnknownException ? error.outcome : publications[i]({});
    });
    const written = Promise.all(eventually).then(
      () => true,
      (error: unknown) => {
        this.log.error({ err: error }, 'records of an upload whose outcome was unknown were not written');
        return false;
      },
    );
    return { kind: 'outcome-unknown', cause: unknown[0] ?? failures[0], written };
  }

  /**
   * A record the answer does not depend on (the 997 of a refused upload): bounded by the deadline,
   * never failing the request.
   */
  async publishBestEffort(publication: () => Promise<Publication>, what: string): Promise<void> {
    try {
      const publish = await publication();
      await publish({ deadlineMs: this.config.gateway.publishTimeoutMs });
    } catch (error) {
      this.log.error({ err: error }, `could not publish ${what}`);
    }
  }
}

/** The partner's answer when the upload was not accepted: 503, nothing will be written. */
export function notAccepted(cause: unknown, batchId: string): GatewayException {
  return new GatewayException(
    GatewayErrorCode.PublishUnavailable,
    'The documents could not be handed to the platform; nothing was accepted. Send them again (with the same Idempotency-Key).',
    { cause, retryAfterSeconds: RETRY_AFTER_SECONDS, extensions: { batchId } },
  );
}

/** The partner's answer when records were with the broker at the deadline. */
export function outcomeUnknown(
  cause: unknown,
  batchId: string,
  trackingIds: readonly string[],
  withIdempotencyKey: boolean,
): GatewayException {
  return new GatewayException(
    GatewayErrorCode.PublishOutcomeUnknown,
    withIdempotencyKey
      ? 'The documents were handed to the platform but not yet confirmed; they may or may not be accepted. Send the same request with the same Idempotency-Key to learn the outcome: it is never accepted twice.'
      : 'The documents were handed to the platform but not yet confirmed; they may or may not be accepted. Look the tracking ids up before sending them again.',
    { cause, retryAfterSeconds: RETRY_AFTER_SECONDS, extensions: { batchId, trackingIds } },
  );
}
