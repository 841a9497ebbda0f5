// Accepting an upload: policy, idempotency, validation and split, the transaction index, and Kafka —
// every document of the upload acknowledged by the brokers before the partner hears 202.
import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import {
  type IngressDocument,
  type OutboundDocument,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { type SendOptions, TypedProducer } from '@tradewind/messaging';
import { createLogger, runWithCorrelation } from '@tradewind/observability';
import { sha256Hex } from '@tradewind/partner-auth';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import {
  CONTENT_TYPES,
  DocumentFormat,
  DocumentProblemCode,
  readX12SalesOrders,
  type SplitDocument,
  splitDocument,
  type X12ReadResult,
} from '@tradewind/partner-documents';

import { API_VERSION, batchLink, transactionLink } from '../api-version';
import type { AuthenticatedCall } from '../auth/request-authenticator';
import type { Exchange } from '../exchange/exchange';
import type { GatewayConfig } from '../gateway.config';
import { GatewayErrorCode, GatewayException, type ProblemError } from '../gateway.exception';
import { GATEWAY_CONFIG, GATEWAY_METRICS, PARTNER_CATALOG } from '../gateway.tokens';
import { checkIdempotencyKey, requestHash, type StoredResponse } from '../idempotency/idempotency';
import { IdempotencyStore } from '../idempotency/idempotency.store';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import { PROBLEM_CONTENT_TYPE, problemType, renderProblem } from '../problem/problem-details';
import { TransactionIndex } from '../transactions/transaction-index.repository';
import { splitProblems, toProblemError } from './document-problem.mapper';
import { DocumentPublication, notAccepted, outcomeUnknown, type Publication } from './document-publication';
import { functionalAckFor } from './functional-ack.builder';
import { authorizeSubmission, type SubmissionDecision } from './submission-policy';

export interface Submission {
  readonly call: AuthenticatedCall;
  readonly documentType: string;
  readonly contentType: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly method: string;
  readonly path: string;
  /** The HTTP request's correlation id: the causation id of every record produced. */
  readonly requestId: string;
  readonly traceparent: string | undefined;
  /** `instance` of problems (the request). */
  readonly instance: string;
  readonly exchange: Exchange;
}

export interface AcceptedBody {
  readonly status: 'accepted';
  readonly batchId: string;
  readonly trackingIds: readonly string[];
  readonly documents: readonly { trackingId: string; batchIndex: number; businessRef: string | null }[];
  readonly links: { readonly batch: string; readonly transactions: readonly string[] };
}

@Injectable()
export class DocumentIntakeService {
  private readonly log = createLogger(DocumentIntakeService.name);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(PARTNER_CATALOG) private readonly catalog: PartnerCatalog,
    @Inject(TypedProducer) private readonly producer: TypedProducer<TopicValueMap>,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    @Inject(TransactionIndex) private readonly index: TransactionIndex,
    @Inject(GATEWAY_METRICS) private readonly metrics: GatewayMetrics,
    @Inject(DocumentPublication) private readonly publication: DocumentPublication,
  ) {}

  async submit(submission: Submission): Promise<StoredResponse> {
    const { call, exchange } = submission;
    this.publication.admit(); // before any work: a full queue or a silent broker is a 503 at once
    const decision = authorizeSubmission(
      this.catalog,
      call.partner,
      submission.documentType,
      submission.contentType,
    );
    exchange.format = decision.format;
    const key =
      submission.idempotencyKey === undefined ? undefined : checkIdempotencyKey(submission.idempotencyKey);
    if (key !== undefined) {
      const hash = requestHash({
        method: submission.method,
        path: submission.path,
        mediaType: decision.mediaType,
        bodySha256: call.bodySha256,
      });
      const found = await this.idempotency.claim(
        call.partner.id,
        key,
        hash,
        this.config.gateway.idempotencyTtlMs,
      );
      switch (found.kind) {
        case 'replay':
          exchange.outcome = 'replayed';
          exchange.policy = 'idempotency';
          exchange.reason = `Idempotency-Key ${key} replayed the original response`;
          exchange.trackingId = replayedTrackingId(found.response.body);
          return { ...found.response, headers: { ...found.response.headers, 'idempotent-replayed': 'true' } };
        case 'conflict':
          throw new GatewayException(
            GatewayErrorCode.IdempotencyKeyReused,
            `Idempotency-Key ${key} was first used with a different request (target, media type or body); use a new key for a new request.`,
            { policy: 'idempotency' },
          );
        case 'in-progress':
          throw new GatewayException(
            GatewayErrorCode.IdempotencyInProgress,
            `A request with Idempotency-Key ${key} is still being processed; retry shortly to get its response.`,
            { policy: 'idempotency', retryAfterSeconds: 1 },
          );
        case 'proceed':
          break;
      }
    }
    let response: StoredResponse;
    try {
      response = await this.accept(submission, decision, key);
    } catch (error) {
      if (key !== undefined) await this.settleFailure(call.partner.id, key, error, submission.instance);
      throw error;
    }
    // Accepted is accepted: failing to record the response must not become a 5xx that frees the key.
    if (key !== undefined) await this.completeKey(call.partner.id, key, response);
    return response;
  }

  /** Stores the response for replays, retrying a little; the key stays claimed when it cannot. */
  private async completeKey(partnerId: string, key: string, response: StoredResponse): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.idempotency.complete(partnerId, key, response);
        return;
      } catch (error) {
        if (attempt >= 3) {
          this.log.error(
            { err: error, partnerId },
            'could not record the response of an accepted request; its Idempotency-Key stays claimed',
          );
          return;
        }
      }
    }
  }

  /** After "outcome unknown": once the broker answers, the key replays 202 or is given back. */
  private settleUnknown(
    partnerId: string,
    key: string | undefined,
    batchId: string,
    written: Promise<boolean>,
    response: StoredResponse,
  ): void {
    void written.then(async (ok) => {
      if (ok) {
        if (key !== undefined) await this.completeKey(partnerId, key, response);
        return;
      }
      await this.index
        .markPublishFailed(batchId)
        .catch((e: unknown) => this.log.error({ err: e, batchId }, 'could not mark the batch'));
      if (key !== undefined) {
        await this.idempotency
          .release(partnerId, key)
          .catch((e: unknown) =>
            this.log.error({ err: e, partnerId }, 'could not release an Idempotency-Key'),
          );
      }
    });
  }

  /** A refusal of the partner's request is its answer (replayed later); a failure of ours frees the key. */
  private async settleFailure(
    partnerId: string,
    key: string,
    error: unknown,
    instance: string,
  ): Promise<void> {
    try {
      if (error instanceof GatewayException && error.code === GatewayErrorCode.PublishOutcomeUnknown) {
        return; // settled once the broker answers (settleUnknown)
      }
      if (error instanceof GatewayException && problemType(error.code).status < 500) {
        await this.idempotency.complete(partnerId, key, {
          status: problemType(error.code).status,
          headers: { 'content-type': PROBLEM_CONTENT_TYPE },
          body: renderProblem(error, instance),
        });
      } else {
        await this.idempotency.release(partnerId, key);
      }
    } catch (storeError) {
      this.log.error(
        { err: storeError, partnerId },
        'could not settle an idempotency key after a failed request',
      );
    }
  }

  private async accept(
    submission: Submission,
    decision: SubmissionDecision,
    idempotencyKey: string | undefined,
  ): Promise<StoredResponse> {
    const { call, exchange } = submission;
    const partner = call.partner;
    const receivedAt = new Date();
    const batchId = randomUUID();
    const split = splitDocument(decision.format, call.body);
    const x12 = decision.format === DocumentFormat.X12 ? readX12SalesOrders(call.body) : undefined;
    if (x12?.interchange !== undefined) this.checkX12Sender(x12, partner.id);

    const batch = {
      batchId,
      partnerId: partner.id,
      principal: call.credential.keyId,
      documentType: decision.documentType,
      format: decision.format,
      contentType: submission.contentType ?? decision.mediaType,
      receivedAt,
      sha256: call.bodySha256,
      sizeBytes: call.body.length,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    };

    const problems = this.problemsOf(split);
    if (problems !== undefined) {
      exchange.trackingId = batchId;
      await this.index.recordBatch({ ...batch, outcome: 'rejected', problems: problems.errors }, []);
      if (x12 !== undefined) {
        // The partner hears 422 either way; a 997 that cannot be sent in time is logged, not a 5xx.
        await this.publication.publishBestEffort(
          () => this.functionalAck(x12, partner.id, batchId, [], false, submission),
          `the 997 rejecting batch ${batchId}`,
        );
      }
      throw new GatewayException(problems.code, problems.detail, {
        errors: problems.errors,
        policy: `validation:${decision.documentType}:${decision.format}`,
        extensions: { batchId, links: { batch: batchLink(batchId) } },
      });
    }

    const oversized = split.slices.find((s) => s.bytes.length > this.config.gateway.maxInlinePayloadBytes);
    if (oversized !== undefined) {
      throw new GatewayException(
        GatewayErrorCode.PayloadTooLarge,
        `Order ${oversized.businessRef ?? oversized.index} is ${oversized.bytes.length} bytes; single orders of at most ${this.config.gateway.maxInlinePayloadBytes} bytes are accepted.`,
        { policy: 'limits:inline-payload' },
      );
    }

    const documents = split.slices.map((slice) => ({
      slice,
      trackingId: randomUUID(),
      sha256: sha256Hex(Buffer.from(slice.bytes.buffer, slice.bytes.byteOffset, slice.bytes.byteLength)),
    }));
    const trackingIds = documents.map((d) => d.trackingId);
    exchange.trackingId = trackingIds.length === 1 ? trackingIds[0] : batchId;
    await this.index.recordBatch(
      { ...batch, outcome: 'accepted' },
      documents.map(({ slice, trackingId, sha256 }) => ({
        trackingId,
        batchIndex: slice.index,
        businessRef: slice.businessRef,
        interchangeRef: slice.interchangeRef,
        sha256,
        sizeBytes: slice.bytes.length,
      })),
    );

    const publications: Publication[] = documents.map(({ slice, trackingId, sha256 }) => {
      const value: IngressDocument = {
        documentId: trackingId,
        batchId,
        batchIndex: slice.index,
        batchSize: documents.length,
        partnerId: partner.id,
        principal: call.credential.keyId,
        documentType: decision.documentType,
        format: decision.format,
        contentType: slice.contentType,
        businessRef: slice.businessRef ?? null,
        interchangeRef: slice.interchangeRef ?? null,
        idempotencyKey: idempotencyKey ?? null,
        apiVersion: API_VERSION,
        receivedAt: receivedAt.getTime(),
        sha256,
        sizeBytes: slice.bytes.length,
        payload: Buffer.from(slice.bytes),
        claimCheckUri: null,
      };
      const key =
        slice.businessRef === undefined
          ? trackingId
          : `${partner.id}/${decision.documentType}/${slice.businessRef}`;
      return (options: SendOptions) =>
        this.withCorrelation(submission, trackingId, () =>
          this.producer.send(TOPICS.ingressDocuments, [{ key, value }], options),
        );
    });
    if (x12 !== undefined) {
      publications.push(await this.functionalAck(x12, partner.id, batchId, trackingIds, true, submission));
    }
    const response = this.acceptedResponse(batchId, documents, trackingIds);
    const outcome = await this.publication.publishAll(publications);
    switch (outcome.kind) {
      case 'accepted':
        break;
      case 'not-accepted':
        this.log.error({ err: outcome.cause, batchId }, 'an upload was not handed to Kafka in time');
        await this.index
          .markPublishFailed(batchId)
          .catch((e: unknown) => this.log.error({ err: e, batchId }, 'could not mark the batch'));
        throw notAccepted(outcome.cause, batchId);
      case 'outcome-unknown':
        this.log.warn({ err: outcome.cause, batchId }, 'the outcome of an upload is not known yet');
        this.settleUnknown(partner.id, idempotencyKey, batchId, outcome.written, response);
        throw outcomeUnknown(outcome.cause, batchId, trackingIds, idempotencyKey !== undefined);
    }

    this.metrics.acceptedDocuments.inc(
      { partner: partner.id, document_type: decision.documentType, format: decision.format },
      documents.length,
    );
    exchange.acceptedDocuments = documents.length;
    return response;
  }

  private acceptedResponse(
    batchId: string,
    documents: readonly { slice: { index: number; businessRef?: string }; trackingId: string }[],
    trackingIds: readonly string[],
  ): StoredResponse {
    const body: AcceptedBody = {
      status: 'accepted',
      batchId,
      trackingIds,
      documents: documents.map(({ slice, trackingId }) => ({
        trackingId,
        batchIndex: slice.index,
        businessRef: slice.businessRef ?? null,
      })),
      links: { batch: batchLink(batchId), transactions: trackingIds.map(transactionLink) },
    };
    return {
      status: 202,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        location: trackingIds.length === 1 ? transactionLink(trackingIds[0]) : batchLink(batchId),
      },
      body,
    };
  }

  /** The problem the upload's parse found, as the refusal to send; undefined when the upload is sound. */
  private problemsOf(
    split: SplitDocument,
  ): { code: GatewayErrorCode; detail: string; errors: ProblemError[] } | undefined {
    if (split.ok) return undefined;
    const encoding = split.documentProblems.filter((p) => p.code === DocumentProblemCode.EncodingInvalidUtf8);
    if (encoding.length > 0) {
      return {
        code: GatewayErrorCode.InvalidEncoding,
        detail: encoding[0].message,
        errors: encoding.map((p) => toProblemError(p)),
      };
    }
    const errors = splitProblems(split);
    if (errors.length === 0) {
      errors.push({
        code: DocumentProblemCode.NoOrders,
        detail: 'The document holds no orders.',
        location: 'document',
      });
    }
    const bad = split.slices.filter((s) => s.problems.length > 0).length;
    return {
      code: GatewayErrorCode.InvalidDocument,
      detail: `${errors.length} problem${errors.length === 1 ? '' : 's'} found${
        split.slices.length > 0 ? ` (${bad} of ${split.slices.length} orders affected)` : ''
      }; fix them all and send the document again.`,
      errors,
    };
  }

  private checkX12Sender(read: X12ReadResult, partnerId: string): void {
    const isa = read.interchange?.isa;
    if (isa === undefined) return;
    const owner = this.catalog.partnerByX12Sender(isa.senderQualifier.trim(), isa.senderId.trim());
    if (owner?.id !== partnerId) {
      throw new GatewayException(
        GatewayErrorCode.X12SenderMismatch,
        `The interchange is from ${isa.senderQualifier.trim()}/${isa.senderId.trim()}, which is not partner ${partnerId}'s X12 identity.`,
        { policy: `partners:${partnerId}:x12` },
      );
    }
  }

  /** The upload's 997, ready to send (a no-op when the interchange gets none). */
  private async functionalAck(
    read: X12ReadResult,
    partnerId: string,
    batchId: string,
    trackingIds: readonly string[],
    accepted: boolean,
    submission: Submission,
  ): Promise<Publication> {
    const controlNumber = await this.index.nextControlNumber();
    const ack = functionalAckFor({ read, accepted, controlNumber, preparedAt: new Date() });
    if (ack === undefined) return () => Promise.resolve();
    const value: OutboundDocument = {
      outboundId: `x12-997:${batchId}`,
      partnerId,
      documentType: 'x12-997',
      format: DocumentFormat.X12,
      contentType: CONTENT_TYPES[DocumentFormat.X12],
      relatesTo: trackingIds.length > 0 ? [...trackingIds] : [batchId],
      payload: Buffer.from(ack.edi, 'utf8'),
      createdAt: Date.now(),
    };
    return (options) =>
      this.withCorrelation(submission, batchId, () =>
        this.producer.send(TOPICS.partnersOutbound, [{ key: partnerId, value }], options),
      );
  }

  private withCorrelation<T>(
    submission: Submission,
    correlationId: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    return runWithCorrelation(
      {
        correlationId,
        causationId: submission.requestId,
        partnerId: submission.call.partner.id,
        sourceSystem: this.config.service.sourceSystem,
        ...(submission.traceparent === undefined ? {} : { traceparent: submission.traceparent }),
      },
      fn,
    );
  }
}

function replayedTrackingId(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { trackingIds, batchId } = body as { trackingIds?: unknown; batchId?: unknown };
  if (Array.isArray(trackingIds) && trackingIds.length === 1 && typeof trackingIds[0] === 'string')
    return trackingIds[0];
  return typeof batchId === 'string' ? batchId : undefined;
}
