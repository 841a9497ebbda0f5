// Accepting an upload: policy, idempotency, validation and split, the X12 envelope rules, the transaction
// index, and Kafka — every accepted order acknowledged by the brokers before the partner hears 202. Per
// order by default: the sound orders are accepted and the bad ones refused in the same answer
// (docs/decisions/0006-per-order-acceptance.md).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { Inject, Injectable } from '@nestjs/common';
import {
  type IngressDocument,
  type OutboundDocument,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { type SendOptions, TypedProducer } from '@tradewind/messaging';
import {
  createLogger,
  FailureCategory,
  runWithCorrelation,
  TransactionStage,
} from '@tradewind/observability';
import { sha256Hex } from '@tradewind/partner-auth';
import type { PartnerCatalog, PartnerConfig } from '@tradewind/partner-catalog';
import {
  type AnyDocumentProblem,
  checkX12Envelope,
  CONTENT_TYPES,
  DocumentFormat,
  DocumentProblemCode,
  type DocumentSplit,
  duplicateInterchangeProblem,
  type FunctionalAckSource,
  hasEnvelopeFindings,
  isInvoicingDocumentType,
  isPurchasingDocumentType,
  isSettlementDocumentType,
  isShipmentDocumentType,
  isStockDocumentType,
  NO_FINDINGS,
  problem,
  type ProofAttachment,
  type SalesOrderLayout,
  selectSlices,
  type ShipmentDocumentSplit,
  splitDocument,
  splitInvoicingDocument,
  splitPurchasingDocument,
  splitSettlementDocument,
  splitShipmentDocument,
  splitStockDocument,
  type X12EnvelopeRules,
  type X12InterchangeRead,
} from '@tradewind/partner-documents';

import { API_VERSION, batchLink, transactionLink } from '../api-version';
import { replayedNonce } from '../auth/nonce.store';
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
import { type RefusedOrder, splitProblems, toProblemError } from './document-problem.mapper';
import { DocumentPublication, notAccepted, outcomeUnknown, type Publication } from './document-publication';
import {
  functionalAckFor,
  type FunctionalAckRequest,
  interchangeAckFor,
  type OurX12Identity,
} from './functional-ack.builder';
import { InterchangeRegister } from './interchange-register.repository';
import { ProofDocuments } from './proof-documents.repository';
import { authorizeSubmission, type SubmissionDecision } from './submission-policy';

export interface Submission {
  readonly call: AuthenticatedCall;
  readonly documentType: string;
  readonly contentType: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly method: string;
  /** The request target as sent, query string included (the Idempotency-Key fingerprint covers it). */
  readonly path: string;
  /** The HTTP request's correlation id: the causation id of every record produced. */
  readonly requestId: string;
  readonly traceparent: string | undefined;
  /** `instance` of problems (the request). */
  readonly instance: string;
  readonly exchange: Exchange;
}

/**
 * The 202 body: every order accepted (`accepted`), or the sound ones accepted and each bad one refused
 * (`partially-accepted`, documentPolicy per-order). `refused` is always present, empty when all were taken.
 */
export interface AcceptedBody {
  readonly status: 'accepted' | 'partially-accepted';
  readonly batchId: string;
  readonly trackingIds: readonly string[];
  readonly documents: readonly { trackingId: string; batchIndex: number; businessRef: string | null }[];
  readonly refused: readonly RefusedOrder[];
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
    @Inject(InterchangeRegister) private readonly interchanges: InterchangeRegister,
    @Inject(GATEWAY_METRICS) private readonly metrics: GatewayMetrics,
    @Inject(DocumentPublication) private readonly publication: DocumentPublication,
    @Inject(ProofDocuments) private readonly proofs: ProofDocuments,
  ) {}

  async submit(submission: Submission): Promise<StoredResponse> {
    const { call, exchange } = submission;
    const decision = authorizeSubmission(
      this.catalog,
      call.partner,
      submission.documentType,
      submission.contentType,
    );
    exchange.format = decision.format;
    const key =
      submission.idempotencyKey === undefined ? undefined : checkIdempotencyKey(submission.idempotencyKey);
    // The nonce goes with the transaction index's statement (decision 0026) only when that statement is
    // the upload's first write: a key is claimed and an ISA13 registered (and answered) before it.
    if (key !== undefined || decision.format === DocumentFormat.X12) await call.nonce.settle();
    // Before any work a full queue or a silent broker is a 503 at once, but not before the key is looked
    // up: a resubmission after "outcome unknown" must learn that outcome (409 in progress, or the 202
    // replayed), never hear "not accepted" while the first request's records may still be written.
    if (key === undefined) this.publication.admit();
    if (key !== undefined) {
      const hash = requestHash({
        method: submission.method,
        path: submission.path,
        mediaType: decision.mediaType,
        bodySha256: call.bodySha256,
      });
      const found = await this.idempotency.claim(call.partner.id, key, hash);
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
      if (key !== undefined) this.publication.admit(); // a 503 of ours: settleFailure frees the key
      response = await this.accept(submission, decision, key);
    } catch (error) {
      if (key !== undefined) await this.settleFailure(call.partner.id, key, error, submission.instance);
      throw error;
    }
    // Accepted is accepted: failing to record the response must not become a 5xx that frees the key.
    if (key !== undefined) await this.completeKey(call.partner.id, key, response);
    return response;
  }

  /** The refusal of a request whose nonce was used: it names no batch, since none was recorded. */
  private replayed(exchange: Exchange): GatewayException {
    exchange.trackingId = undefined;
    return replayedNonce();
  }

  /** Stores the response for replays, retrying a little; the key stays claimed when it cannot. */
  private async completeKey(
    partnerId: string,
    key: string,
    response: StoredResponse,
    attempts = 3,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.idempotency.complete(partnerId, key, response);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          this.log.error(
            { err: error, partnerId },
            'could not record the response of an accepted request; its Idempotency-Key stays claimed',
          );
          return;
        }
        await sleep(Math.min(5_000, 100 * 2 ** attempt));
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
    // The key stays "in progress" for as long as the broker takes: were its lease to lapse, a
    // resubmission would be processed again (a second copy) or answered 503 while these records land.
    const lease =
      key === undefined
        ? undefined
        : setInterval(() => {
            this.idempotency
              .extendLease(partnerId, key)
              .catch((e: unknown) => this.log.warn({ err: e, partnerId }, 'could not extend a key lease'));
          }, this.idempotency.leaseRenewalMs);
    lease?.unref();
    void written.then(async (ok) => {
      clearInterval(lease);
      if (ok) {
        // Written is written: the replay must say 202 even across a database outage.
        if (key !== undefined) await this.completeKey(partnerId, key, response, 30);
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
    const layout = this.catalog.layoutOf(partner.id);
    const { split, x12, attachments, envelopeOnly } = readUpload(decision, call.body, layout, (code) =>
      this.catalog.milestoneOf(partner.id, code),
    );
    // Who sent it and to whom is checked for every X12 upload, answered with a 997 or not.
    const interchange = x12?.interchange ?? envelopeOnly;
    if (interchange !== undefined) this.checkX12Sender(interchange, partner.id);

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
    const refuse = async (
      error: GatewayException,
      acknowledge: (() => Promise<Publication>) | undefined,
    ): Promise<never> => {
      exchange.trackingId = batchId;
      const fresh = await this.index.recordBatch(
        { ...batch, outcome: 'rejected', problems: error.errors },
        [],
        call.nonce.take(),
      );
      if (!fresh) throw this.replayed(exchange);
      // The partner hears the 4xx either way; an acknowledgement that cannot be sent in time is logged, not a 5xx.
      if (acknowledge !== undefined) {
        await this.publication.publishBestEffort(
          acknowledge,
          `the acknowledgement refusing batch ${batchId}`,
        );
      }
      throw error;
    };

    const envelope =
      interchange === undefined ? NO_FINDINGS : checkX12Envelope(interchange, this.envelopeRules(partner));
    if (interchange !== undefined && hasEnvelopeFindings(envelope)) {
      const errors = [...envelope.interchange, ...[...envelope.groups.values()].flat()].map((p) =>
        toProblemError(p),
      );
      await refuse(
        new GatewayException(
          GatewayErrorCode.X12EnvelopeRefused,
          `${errors.map((e) => e.detail).join(' ')} Nothing of the interchange was accepted.`,
          {
            errors,
            policy: `partners:${partner.id}:x12`,
            extensions: { batchId, links: { batch: batchLink(batchId) } },
          },
        ),
        envelope.interchange.length > 0
          ? () => this.interchangeAckPublication(interchange, envelope.interchange, batchId, submission)
          : x12 === undefined
            ? undefined
            : () =>
                this.functionalAckPublication(x12, { accepted: false, envelope }, batchId, [], submission),
      );
    }

    const selection = selectSlices(split, this.catalog.documentPolicy(partner));
    if (selection.accepted.length === 0) {
      const problems = this.problemsOf(split);
      await refuse(
        new GatewayException(problems.code, problems.detail, {
          errors: problems.errors,
          policy: `validation:${decision.documentType}:${decision.format}:${this.catalog.documentPolicy(partner)}`,
          extensions: { batchId, links: { batch: batchLink(batchId) } },
        }),
        x12 === undefined
          ? undefined
          : () => this.functionalAckPublication(x12, { accepted: false }, batchId, [], submission),
      );
    }

    const oversized = selection.accepted.find(
      (s) => s.bytes.length > this.config.gateway.maxInlinePayloadBytes,
    );
    if (oversized !== undefined) {
      throw new GatewayException(
        GatewayErrorCode.PayloadTooLarge,
        `Order ${oversized.businessRef ?? oversized.index} is ${oversized.bytes.length} bytes; single orders of at most ${this.config.gateway.maxInlinePayloadBytes} bytes are accepted.`,
        { policy: 'limits:inline-payload' },
      );
    }

    // Last check before anything is kept: a repeated ISA13 is answered as a duplicate, never processed twice.
    let claimedInterchange = false;
    if (x12 !== undefined) {
      const interchange = x12.interchange;
      const rule = this.catalog.duplicateInterchangeRule(partner);
      const claim = await this.interchanges.claim(
        partner.id,
        interchange.isa.controlNumber,
        batchId,
        receivedAt,
        rule.windowMs,
      );
      if (claim.kind === 'duplicate') {
        const duplicate = duplicateInterchangeProblem(interchange, claim.receivedAt);
        await refuse(
          new GatewayException(GatewayErrorCode.DuplicateInterchange, duplicate.message, {
            errors: [toProblemError(duplicate)],
            policy: `partners:${partner.id}:x12:duplicate-interchange`,
            extensions: {
              batchId,
              originalBatchId: claim.batchId,
              links: { batch: batchLink(batchId), original: batchLink(claim.batchId) },
            },
          }),
          rule.answer === 'x12-ta1'
            ? () => this.interchangeAckPublication(interchange, [duplicate], batchId, submission)
            : () =>
                this.functionalAckPublication(
                  x12,
                  { accepted: false, reason: duplicate },
                  batchId,
                  [],
                  submission,
                ),
        );
      }
      claimedInterchange = true;
    }

    const documents = selection.accepted.map((slice) => ({
      slice,
      trackingId: randomUUID(),
      sha256: sha256Hex(Buffer.from(slice.bytes.buffer, slice.bytes.byteOffset, slice.bytes.byteLength)),
    }));
    const refused: RefusedOrder[] = selection.refused.map((slice) => ({
      batchIndex: slice.index,
      businessRef: slice.businessRef ?? null,
      errors: slice.problems.map((p) =>
        toProblemError(p, { index: slice.index, businessRef: slice.businessRef }),
      ),
    }));
    const trackingIds = documents.map((d) => d.trackingId);
    exchange.trackingId = trackingIds.length === 1 && refused.length === 0 ? trackingIds[0] : batchId;
    const fresh = await this.index.recordBatch(
      {
        ...batch,
        outcome: refused.length === 0 ? 'accepted' : 'partially-accepted',
        ...(refused.length === 0 ? {} : { problems: refused.flatMap((r) => r.errors) }),
      },
      documents.map(({ slice, trackingId, sha256 }) => ({
        trackingId,
        batchIndex: slice.index,
        businessRef: slice.businessRef,
        interchangeRef: slice.interchangeRef,
        sha256,
        sizeBytes: slice.bytes.length,
      })),
      call.nonce.take(),
    );
    // A replayed request: nothing of it was written, nothing is published.
    if (!fresh) throw this.replayed(exchange);

    // Claim check: a proof-of-delivery document is kept in our store before its record travels.
    const proofs = documents.flatMap(({ slice }) => {
      const attachment = attachments[slice.index];
      return attachment === undefined ? [] : [attachment];
    });
    if (proofs.length > 0) await this.proofs.store(partner.id, proofs, receivedAt);

    const publications: Publication[] = documents.map(({ slice, trackingId, sha256 }) => {
      const value: IngressDocument = {
        documentId: trackingId,
        batchId,
        // Positions in the upload: refused orders leave gaps, so batchIndex always names the same order.
        batchIndex: slice.index,
        batchSize: split.slices.length,
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
        correction: null,
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
      publications.push(
        await this.functionalAckPublication(x12, { accepted: true }, batchId, trackingIds, submission),
      );
    }
    const response = this.acceptedResponse(batchId, documents, trackingIds, refused);
    const outcome = await this.publication.publishAll(publications);
    switch (outcome.kind) {
      case 'accepted':
        break;
      case 'not-accepted':
        this.log.error({ err: outcome.cause, batchId }, 'an upload was not handed to Kafka in time');
        await this.index
          .markPublishFailed(batchId)
          .catch((e: unknown) => this.log.error({ err: e, batchId }, 'could not mark the batch'));
        // Not accepted: the partner sends the interchange again, which must not look like a duplicate.
        if (claimedInterchange && interchange !== undefined) {
          await this.interchanges
            .release(partner.id, interchange.isa.controlNumber, batchId)
            .catch((e: unknown) => this.log.error({ err: e, batchId }, 'could not release an ISA13'));
        }
        throw notAccepted(outcome.cause, batchId);
      case 'outcome-unknown':
        // The records may be written: the ISA13 stays claimed, so a resubmission is answered as a duplicate.
        this.log.warn({ err: outcome.cause, batchId }, 'the outcome of an upload is not known yet');
        this.settleUnknown(partner.id, idempotencyKey, batchId, outcome.written, response);
        throw outcomeUnknown(outcome.cause, batchId, trackingIds, idempotencyKey !== undefined);
    }

    const workflow = decision.documentType;
    const stage = TransactionStage.Received;
    const counted = (outcome: string) => ({ workflow, stage, outcome, partner: partner.id });
    this.metrics.transactions.inc(counted('accepted'), documents.length);
    // Orders refused inside an accepted upload (documentPolicy per-order) never get a tracking id.
    if (refused.length > 0) this.metrics.transactions.inc(counted('rejected'), refused.length);
    for (const slice of selection.refused) {
      for (const reason of new Set(slice.problems.map((p) => p.code))) {
        const category = FailureCategory.Business;
        this.metrics.transactionRejections.inc({ workflow, stage, partner: partner.id, reason, category });
      }
    }
    exchange.acceptedDocuments = documents.length;
    if (refused.length > 0) {
      exchange.reason = `${refused.length} of ${split.slices.length} orders refused (documentPolicy per-order)`;
    }
    return response;
  }

  private acceptedResponse(
    batchId: string,
    documents: readonly { slice: { index: number; businessRef?: string }; trackingId: string }[],
    trackingIds: readonly string[],
    refused: readonly RefusedOrder[],
  ): StoredResponse {
    const body: AcceptedBody = {
      status: refused.length === 0 ? 'accepted' : 'partially-accepted',
      batchId,
      trackingIds,
      documents: documents.map(({ slice, trackingId }) => ({
        trackingId,
        batchIndex: slice.index,
        businessRef: slice.businessRef ?? null,
      })),
      refused,
      links: { batch: batchLink(batchId), transactions: trackingIds.map(transactionLink) },
    };
    return {
      status: 202,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        location:
          trackingIds.length === 1 && refused.length === 0
            ? transactionLink(trackingIds[0])
            : batchLink(batchId),
      },
      body,
    };
  }

  /** The problem the upload's parse found, as the refusal to send (every order's problems listed). */
  private problemsOf(split: DocumentSplit): {
    code: GatewayErrorCode;
    detail: string;
    errors: ProblemError[];
  } {
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

  private envelopeRules(partner: PartnerConfig): X12EnvelopeRules {
    const us = this.us();
    return {
      receiver: { qualifier: us.qualifier, id: us.id, applicationId: us.applicationId },
      versions: this.catalog.x12Versions(partner),
      usage: this.config.gateway.x12Usage,
    };
  }

  private us(): OurX12Identity {
    // The catalog loader refuses a catalog with X12 partners and no company.x12.
    const us = this.catalog.companyX12();
    if (us === undefined) {
      throw new GatewayException(GatewayErrorCode.Internal, 'company.x12 is not configured');
    }
    return us;
  }

  private checkX12Sender(interchange: X12InterchangeRead, partnerId: string): void {
    const isa = interchange.isa;
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
  private async functionalAckPublication(
    read: X12Upload,
    outcome: Pick<FunctionalAckRequest, 'accepted' | 'envelope' | 'reason'>,
    batchId: string,
    trackingIds: readonly string[],
    submission: Submission,
  ): Promise<Publication> {
    const controlNumber = await this.index.nextControlNumber();
    const ack = functionalAckFor({ read, ...outcome, us: this.us(), controlNumber, preparedAt: new Date() });
    if (ack === undefined) return () => Promise.resolve();
    return this.ackPublication('x12-997', ack.edi, batchId, trackingIds, submission);
  }

  /** The interchange's TA1, ready to send. */
  private async interchangeAckPublication(
    interchange: X12InterchangeRead,
    problems: readonly AnyDocumentProblem[],
    batchId: string,
    submission: Submission,
  ): Promise<Publication> {
    const controlNumber = await this.index.nextControlNumber();
    const ack = interchangeAckFor({
      interchange,
      problems,
      us: this.us(),
      controlNumber,
      preparedAt: new Date(),
    });
    return this.ackPublication('x12-ta1', ack.edi, batchId, [], submission);
  }

  private ackPublication(
    documentType: 'x12-997' | 'x12-ta1',
    edi: string,
    batchId: string,
    trackingIds: readonly string[],
    submission: Submission,
  ): Publication {
    const partnerId = submission.call.partner.id;
    const value: OutboundDocument = {
      outboundId: `${documentType}:${batchId}`,
      partnerId,
      documentType,
      format: DocumentFormat.X12,
      contentType: CONTENT_TYPES[DocumentFormat.X12],
      relatesTo: trackingIds.length > 0 ? [...trackingIds] : [batchId],
      payload: Buffer.from(edi, 'utf8'),
      createdAt: Date.now(),
      // An interchange's answer stands alone: nothing it must be delivered before or after.
      orderingKey: null,
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

/** An X12 upload's parse and envelope, for its 997/TA1. */
type X12Upload = FunctionalAckSource & { readonly interchange: X12InterchangeRead };

interface Upload {
  readonly split: DocumentSplit;
  readonly x12: X12Upload | undefined;
  /** An X12 upload answered with no 997 (a supplier's 855, 856 or 997): its envelope, checked all the same. */
  readonly envelopeOnly?: X12InterchangeRead;
  /** Per slice index: a proof-of-delivery document to store before the slice is published. */
  readonly attachments: readonly (ProofAttachment | undefined)[];
}

/** Validates and splits the upload with the reader of its document type (orders, stock, shipments, purchasing, supplier invoices, settlements). */
function readUpload(
  decision: SubmissionDecision,
  body: Uint8Array,
  layout: SalesOrderLayout,
  milestoneOf: (code: string) => string | undefined,
): Upload {
  if (isStockDocumentType(decision.documentType)) {
    return {
      split: splitStockDocument(decision.documentType, decision.format, body),
      x12: undefined,
      attachments: [],
    };
  }
  if (isShipmentDocumentType(decision.documentType)) {
    const shipment = splitShipmentDocument(decision.documentType, decision.format, body);
    const split = withUnmappedCodes(shipment, milestoneOf);
    const x12 =
      shipment.x12 === undefined
        ? undefined
        : {
            parsed: { documentProblems: split.documentProblems, entries: split.slices },
            interchange: shipment.x12.interchange,
          };
    return { split, x12, attachments: shipment.attachments };
  }
  // Purchasing documents (Odoo's events, suppliers' 855/997) are applied by purchase-orders, not answered
  // with a 997 here: the supplier's 855 answers our 850, and its 997 is an answer itself.
  if (isPurchasingDocumentType(decision.documentType)) {
    const split = splitPurchasingDocument(decision.documentType, decision.format, body);
    return { split, x12: undefined, envelopeOnly: split.interchange, attachments: [] };
  }
  // Supplier invoices are matched to the purchase order and the receipt by invoices. An 810 is a document
  // of the supplier's own, not an answer to ours (as its 855 and 856 are): it gets a 997 like a customer's
  // 850, every set accepted or, the upload being accepted or refused whole, every set rejected.
  if (isInvoicingDocumentType(decision.documentType)) {
    const split = splitInvoicingDocument(decision.documentType, decision.format, body);
    const interchange = split.interchange;
    return {
      split,
      x12:
        interchange === undefined
          ? undefined
          : { parsed: { documentProblems: split.documentProblems, entries: [] }, interchange },
      attachments: [],
    };
  }
  // Settlements (bank statements, gateway payouts) are matched by invoices: never X12, so never a 997.
  if (isSettlementDocumentType(decision.documentType)) {
    return {
      split: splitSettlementDocument(decision.documentType, decision.format, body),
      x12: undefined,
      attachments: [],
    };
  }
  const split = splitDocument(decision.format, body, layout);
  const interchange = split.interchange;
  return {
    split,
    x12: interchange === undefined ? undefined : { parsed: split.parsed, interchange },
    attachments: [],
  };
}

/** A status code the sender's milestone mapping does not know is refused where it was read. */
function withUnmappedCodes(
  split: ShipmentDocumentSplit,
  milestoneOf: (code: string) => string | undefined,
): DocumentSplit {
  return {
    ...split,
    slices: split.slices.map((slice, i) => {
      const unmapped = (split.events[i] ?? []).filter((event) => milestoneOf(event.status) === undefined);
      if (unmapped.length === 0) return slice;
      return {
        ...slice,
        problems: [
          ...slice.problems,
          ...unmapped.map((event) =>
            problem(
              DocumentProblemCode.SchemaViolation,
              `Status "${event.status}" is not in this partner's milestone mapping (config/partners/catalog.yaml milestones.codes).`,
              event.at,
            ),
          ),
        ],
      };
    }),
  };
}
