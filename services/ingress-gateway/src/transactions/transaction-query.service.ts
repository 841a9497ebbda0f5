// What a partner sees of its transactions: lifecycle, rejection reasons, acknowledgements sent back.
// Another partner's id is answered exactly like an unknown one (404), so ids cannot be probed; the audit
// record says which it was.
import { Inject, Injectable } from '@nestjs/common';
import type { PartnerConfig } from '@tradewind/partner-catalog';
import { printable } from '@tradewind/partner-documents';

import { batchLink, transactionLink } from '../api-version';
import type { RefusedOrder } from '../documents/document-problem.mapper';
import type { Exchange } from '../exchange/exchange';
import { GatewayErrorCode, GatewayException, type ProblemError } from '../gateway.exception';
import {
  type AcknowledgementRow,
  type StateHistoryRow,
  TransactionIndex,
  type TransactionRow,
} from './transaction-index.repository';

export interface LifecycleStep {
  readonly status: string;
  readonly at: string;
  readonly version?: number;
  readonly orderId?: string;
}

export interface AcknowledgementView {
  readonly outboundId: string;
  readonly documentType: string;
  readonly format: string;
  readonly contentType: string;
  readonly relatesTo: readonly string[];
  readonly createdAt: string;
  /** The document as text (X12, JSON, CSV). */
  readonly content?: string;
  /** The document in base64 when it is not text. */
  readonly contentBase64?: string;
  /**
   * Whether it reached the partner's endpoint (partner-delivery): `pending` until an attempt is reported,
   * then `delivered` (with when, and an SFTP receipt), `failed` (retrying: the next attempt's time),
   * `dead_lettered` or `unroutable` (no channel: fetch it here).
   */
  readonly delivery: {
    readonly status: string;
    readonly attempts: number;
    readonly channel?: string;
    readonly lastAttemptAt?: string;
    readonly deliveredAt?: string;
    readonly nextAttemptAt?: string;
    readonly lastError?: string;
    readonly receipt?: unknown;
  };
}

export interface TransactionView {
  readonly trackingId: string;
  readonly batchId: string;
  readonly batchIndex: number;
  readonly partnerId: string;
  readonly documentType: string;
  readonly format: string;
  readonly businessRef: string | null;
  readonly interchangeRef: string | null;
  readonly receivedAt: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  /** received | validated | accepted | rejected | written | confirmed | acknowledged | failed | publish-failed */
  readonly status: string;
  readonly orderId: string | null;
  /** A resubmission of an order already received: it caused no new Odoo order nor acknowledgement. */
  readonly duplicate: boolean;
  readonly lifecycle: readonly LifecycleStep[];
  readonly rejectionReasons: readonly { code: string; message: string; location: string | null }[];
  readonly acknowledgements: readonly AcknowledgementView[];
  readonly links: { readonly self: string; readonly batch: string };
}

const TEXT_FORMATS = new Set(['x12', 'json', 'csv', 'edifact']);

const GATEWAY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tracking and batch ids are the gateway's own UUIDs. */
function isGatewayId(id: string): boolean {
  return GATEWAY_ID.test(id);
}

function acknowledgementView(row: AcknowledgementRow): AcknowledgementView {
  const base = {
    outboundId: row.outboundId,
    documentType: row.documentType,
    format: row.format,
    contentType: row.contentType,
    relatesTo: row.relatesTo,
    createdAt: new Date(row.createdAt).toISOString(),
    delivery: deliveryView(row.delivery),
  };
  return TEXT_FORMATS.has(row.format)
    ? { ...base, content: row.payload.toString('utf8') }
    : { ...base, contentBase64: row.payload.toString('base64') };
}

function deliveryView(row: AcknowledgementRow['delivery']): AcknowledgementView['delivery'] {
  if (row === null) return { status: 'pending', attempts: 0 };
  const at = (value: Date | string | null): string | undefined =>
    value === null ? undefined : new Date(value).toISOString();
  return {
    status: row.status,
    attempts: row.attempts,
    channel: row.channel,
    lastAttemptAt: at(row.lastAttemptAt),
    ...(row.deliveredAt === null ? {} : { deliveredAt: at(row.deliveredAt) }),
    ...(row.nextAttemptAt === null || row.status !== 'failed'
      ? {}
      : { nextAttemptAt: at(row.nextAttemptAt) }),
    ...(row.lastError === null || row.status === 'delivered' ? {} : { lastError: row.lastError }),
    ...(row.receipt === null ? {} : { receipt: row.receipt }),
  };
}

function lifecycleOf(row: TransactionRow, history: readonly StateHistoryRow[]): LifecycleStep[] {
  const steps: LifecycleStep[] = [{ status: 'received', at: new Date(row.receivedAt).toISOString() }];
  for (const h of history) {
    steps.push({
      status: h.status,
      at: new Date(h.updatedAt).toISOString(),
      version: h.version,
      orderId: h.orderId,
    });
  }
  return steps;
}

/** The orders of a batch that were not accepted, each with its problems (those that name an order). */
function refusedOrders(problems: readonly ProblemError[]): RefusedOrder[] {
  const byOrder = new Map<number, { businessRef: string | null; errors: ProblemError[] }>();
  for (const p of problems) {
    if (p.orderIndex === undefined) continue;
    const order = byOrder.get(p.orderIndex) ?? { businessRef: p.businessRef ?? null, errors: [] };
    order.errors.push(p);
    byOrder.set(p.orderIndex, order);
  }
  return [...byOrder]
    .sort(([a], [b]) => a - b)
    .map(([batchIndex, { businessRef, errors }]) => ({ batchIndex, businessRef, errors }));
}

@Injectable()
export class TransactionQueryService {
  constructor(@Inject(TransactionIndex) private readonly index: TransactionIndex) {}

  async transaction(
    partner: PartnerConfig,
    trackingId: string,
    exchange: Exchange,
  ): Promise<TransactionView> {
    // Ids are UUIDs the gateway made: anything else (a NUL, 10 kB of text) names no transaction and never
    // reaches the database, the audit record or a correlation header.
    const valid = isGatewayId(trackingId);
    if (valid) exchange.trackingId = trackingId;
    const row = valid ? await this.index.transaction(trackingId) : undefined;
    this.checkOwner(
      row?.partnerId,
      partner,
      GatewayErrorCode.TransactionNotFound,
      `transaction ${printable(trackingId)}`,
      exchange,
    );
    const found = row as TransactionRow;
    exchange.documentType = found.documentType;
    const [history, acks] = await Promise.all([
      this.index.history(trackingId),
      this.index.acknowledgements(partner.id, [trackingId, found.batchId]),
    ]);
    return this.view(found, history, acks);
  }

  async batch(partner: PartnerConfig, batchId: string, exchange: Exchange): Promise<unknown> {
    const valid = isGatewayId(batchId);
    if (valid) exchange.trackingId = batchId;
    const batch = valid ? await this.index.batch(batchId) : undefined;
    this.checkOwner(
      batch?.partnerId,
      partner,
      GatewayErrorCode.BatchNotFound,
      `batch ${printable(batchId)}`,
      exchange,
    );
    const found = batch!;
    exchange.documentType = found.documentType;
    const transactions = await this.index.transactionsOfBatch(batchId);
    const ids = [batchId, ...transactions.map((t) => t.trackingId)];
    const [histories, acks] = await Promise.all([
      Promise.all(transactions.map((t) => this.index.history(t.trackingId))),
      this.index.acknowledgements(partner.id, ids),
    ]);
    return {
      batchId,
      partnerId: found.partnerId,
      documentType: found.documentType,
      format: found.format,
      contentType: found.contentType,
      receivedAt: new Date(found.receivedAt).toISOString(),
      sha256: found.sha256,
      sizeBytes: found.sizeBytes,
      outcome: found.outcome,
      documentCount: found.documentCount,
      ...(found.problems === null ? {} : { problems: found.problems }),
      refused: refusedOrders(found.problems ?? []),
      transactions: transactions.map((t, i) => {
        const view = this.view(t, histories[i] ?? [], []);
        return {
          trackingId: view.trackingId,
          batchIndex: view.batchIndex,
          businessRef: view.businessRef,
          status: view.status,
          duplicate: view.duplicate,
          rejectionReasons: view.rejectionReasons,
          links: { self: view.links.self },
        };
      }),
      acknowledgements: acks.map(acknowledgementView),
      links: { self: batchLink(batchId) },
    };
  }

  private view(
    row: TransactionRow,
    history: readonly StateHistoryRow[],
    acks: readonly AcknowledgementRow[],
  ): TransactionView {
    const latest = history.reduce<StateHistoryRow | undefined>(
      (best, h) => (best === undefined || h.version > best.version ? h : best),
      undefined,
    );
    // The index row follows orders.state by version; the history covers a state that arrived first.
    const useHistory =
      latest !== undefined && (row.statusVersion === null || latest.version > row.statusVersion);
    return {
      trackingId: row.trackingId,
      batchId: row.batchId,
      batchIndex: row.batchIndex,
      partnerId: row.partnerId,
      documentType: row.documentType,
      format: row.format,
      businessRef: row.businessRef,
      interchangeRef: row.interchangeRef,
      receivedAt: new Date(row.receivedAt).toISOString(),
      sha256: row.sha256,
      sizeBytes: row.sizeBytes,
      status: useHistory ? latest.status : row.status,
      orderId: useHistory ? latest.orderId : row.orderId,
      duplicate: latest?.duplicateIds.includes(row.trackingId) ?? false,
      lifecycle: lifecycleOf(row, history),
      rejectionReasons: useHistory ? latest.rejectionReasons : row.rejectionReasons,
      acknowledgements: acks.map(acknowledgementView),
      links: { self: transactionLink(row.trackingId), batch: batchLink(row.batchId) },
    };
  }

  private checkOwner(
    owner: string | undefined,
    partner: PartnerConfig,
    code: GatewayErrorCode.TransactionNotFound | GatewayErrorCode.BatchNotFound,
    what: string,
    exchange: Exchange,
  ): void {
    if (owner === partner.id) return;
    exchange.outcome = 'denied';
    exchange.policy = 'scope:transactions:read:own';
    exchange.reason =
      owner === undefined
        ? `${what} does not exist`
        : `${what} belongs to partner ${owner}, not ${partner.id}`;
    throw new GatewayException(code, `There is no ${what} for partner ${partner.id}.`, {
      policy: 'scope:transactions:read:own',
    });
  }
}
