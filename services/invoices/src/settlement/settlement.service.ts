// A settlement document (bank statement, gateway payout) matched against the open invoices, in one
// PostgreSQL transaction: the document once per (partner, document id) whatever the deliveries, each
// entry's decision, the allocations it asks Odoo to pay, and in the outbox one register_payment command
// per matched entry (keyed by a payment external id derived from the entry: a replay is the same
// command, and the odoo-writer pays it once), one ops.exceptions record per unmatched or ambiguous
// entry with its candidates, and each entry's finance.state.
import { createHash } from 'node:crypto';

import {
  CommandType,
  ExceptionKind,
  type FinanceState,
  FinanceStatus,
  FinanceSubject,
  HEADER,
  NO_COMMAND_BODY,
  type OdooCommand,
  type OpsException,
  TOPICS,
} from '@tradewind/contracts';
import { type MatchDecision, SettlementMatcher } from '@tradewind/finance-settlement';
import { currentCorrelation } from '@tradewind/observability';
import {
  formatLocation,
  fromMinorUnits,
  type SettlementDocument,
  type SettlementEntry,
  SettlementEntryKind,
} from '@tradewind/partner-documents';
import { type OutboxEnqueueRequest, type OutboxWriter, withTransaction } from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import type { InvoiceBook } from '../book/invoice-book.repository';
import type { InvoicesMetrics } from '../invoices.metrics';

export const SettlementExceptionCode = {
  Unmatched: 'SETTLEMENT_UNMATCHED',
  Ambiguous: 'SETTLEMENT_AMBIGUOUS',
  InvalidDocument: 'SETTLEMENT_DOCUMENT_INVALID',
  NotSystemOfRecord: 'NOT_SYSTEM_OF_RECORD',
} as const;

export interface SettlementInput {
  readonly partnerId: string;
  readonly documentType: string;
  readonly messageId: string;
  readonly document: SettlementDocument;
  /** Where the document came from, for the exceptions' origin. */
  readonly source: { topic: string; partition: number; offset: string; key: string | null };
}

export interface SettlementReport {
  readonly duplicate: boolean;
  readonly matched: number;
  readonly partial: number;
  readonly unmatched: number;
  readonly ambiguous: number;
  readonly ignored: number;
}

/** The payment's Odoo external id: one per entry, so that a replayed entry is the same payment. */
export function paymentExternalId(partnerId: string, documentId: string, entryId: string): string {
  const digest = createHash('sha256').update(`${partnerId}\u0000${documentId}\u0000${entryId}`).digest('hex');
  return `tradewind.pay_${digest.slice(0, 24)}`;
}

const decimal = (minor: number, currency: string): number => Number(fromMinorUnits(minor, currency));

export class SettlementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly book: InvoiceBook,
    private readonly outbox: OutboxWriter,
    private readonly metrics: InvoicesMetrics,
    private readonly options: { serviceName: string; commandsTopic: string },
    private readonly now: () => number = () => Date.now(),
  ) {}

  async settle(input: SettlementInput): Promise<SettlementReport> {
    const report = await withTransaction(
      this.dataSource,
      (manager) => this.settleIn(manager, input),
      // two documents matching at once wait for each other (the advisory lock); a deadlock is retried
      { maxAttempts: 3 },
    );
    if (!report.duplicate) {
      for (const [decision, count] of Object.entries({
        matched: report.matched,
        partial: report.partial,
        unmatched: report.unmatched,
        ambiguous: report.ambiguous,
        ignored: report.ignored,
      })) {
        if (count > 0) this.metrics.settlementEntries.inc({ decision, type: input.documentType }, count);
      }
    }
    return report;
  }

  private async settleIn(manager: EntityManager, input: SettlementInput): Promise<SettlementReport> {
    const { document, partnerId } = input;
    const fresh = await manager.query<unknown[]>(
      `INSERT INTO settlement_documents (partner_id, document_id, message_id, document_type, entries)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING document_id`,
      [partnerId, document.documentId, input.messageId, input.documentType, document.entries.length],
    );
    const report = {
      duplicate: fresh.length === 0,
      matched: 0,
      partial: 0,
      unmatched: 0,
      ambiguous: 0,
      ignored: 0,
    };
    if (report.duplicate) return report;
    // One matcher at a time per currency, across replicas: two statements never allocate the same cents
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `invoices:settle:${document.currency}`,
    ]);
    const matcher = new SettlementMatcher(await this.book.open(manager, document.currency));
    const messages: OutboxEnqueueRequest[] = [];
    const at = this.now();
    for (const entry of document.entries) {
      const key = `settlement/${partnerId}/${document.documentId}/${entry.entryId}`;
      if (entry.kind === SettlementEntryKind.Fee || entry.kind === SettlementEntryKind.Other) {
        report.ignored += 1;
        await this.recordEntry(manager, input, entry, { decision: 'ignored', reason: `${entry.kind} entry` });
        messages.push(
          this.stateMessage(key, input, entry, FinanceStatus.Ignored, at, { reason: `${entry.kind} entry` }),
        );
        continue;
      }
      const decision = matcher.match({
        entryId: entry.entryId,
        amountMinor: entry.amountMinor,
        feeMinor: entry.feeMinor,
        currency: entry.currency,
        ...(entry.counterpartyName === undefined ? {} : { counterpartyName: entry.counterpartyName }),
        references: entry.references,
      });
      messages.push(...(await this.apply(manager, input, entry, key, decision, at, report)));
    }
    await this.outbox.enqueueAll(manager, messages);
    return report;
  }

  private async apply(
    manager: EntityManager,
    input: SettlementInput,
    entry: SettlementEntry,
    key: string,
    decision: MatchDecision,
    at: number,
    report: { matched: number; partial: number; unmatched: number; ambiguous: number },
  ): Promise<OutboxEnqueueRequest[]> {
    const { document, partnerId } = input;
    if (decision.kind === 'matched') {
      const xid = paymentExternalId(partnerId, document.documentId, entry.entryId);
      const names = decision.allocations.map((a) => a.invoice.name);
      if (decision.partial) report.partial += 1;
      else report.matched += 1;
      await this.recordEntry(manager, input, entry, {
        decision: decision.partial ? 'partially_matched' : 'matched',
        rule: decision.rule,
        confidence: decision.confidence,
        paymentXid: xid,
        invoices: names,
      });
      for (const [index, allocation] of decision.allocations.entries()) {
        const last = index === decision.allocations.length - 1;
        await manager.query(
          `INSERT INTO payment_allocations (payment_xid, invoice_odoo_id, amount_minor, writeoff_minor)
           VALUES ($1, $2, $3, $4)`,
          [xid, allocation.invoice.odooId, allocation.amountMinor, last ? decision.writeoffMinor : 0],
        );
      }
      const [first, ...rest] = decision.allocations;
      const command: OdooCommand = {
        commandId: createHash('sha256').update(`register_payment\u0000${xid}`).digest('hex').slice(0, 32),
        externalId: xid,
        type: CommandType.RegisterPayment,
        ...NO_COMMAND_BODY,
        issuedBy: this.options.serviceName,
        issuedAt: at,
        registerPayment: {
          invoiceRef: String(first.invoice.odooId),
          amount: decimal(decision.paidMinor, entry.currency),
          paymentDate: entry.bookingDate,
          memo: `${partnerId} ${document.documentId} ${entry.entryId}`.slice(0, 200),
          invoiceRefs: rest.map((a) => String(a.invoice.odooId)),
          writeoffAmount: decision.writeoffMinor > 0 ? decimal(decision.writeoffMinor, entry.currency) : null,
          writeoffLabel:
            decision.writeoffMinor > 0 ? `Fee ${partnerId} ${entry.entryId}`.slice(0, 128) : null,
        },
      };
      return [
        {
          topic: this.options.commandsTopic,
          key: xid,
          value: command,
          headers: headers(partnerId),
          messageId: uuidFrom(`cmd:${xid}`),
        },
        this.stateMessage(
          key,
          input,
          entry,
          decision.partial ? FinanceStatus.PartiallyMatched : FinanceStatus.Matched,
          at,
          {
            rule: decision.rule,
            confidence: decision.confidence,
            invoices: names,
          },
        ),
      ];
    }
    const ambiguous = decision.kind === 'ambiguous';
    if (ambiguous) report.ambiguous += 1;
    else report.unmatched += 1;
    const candidates = decision.candidates.map((c) => c.name);
    await this.recordEntry(manager, input, entry, {
      decision: decision.kind,
      reason: decision.reason,
      invoices: candidates,
    });
    const exception: OpsException = {
      exceptionId: uuidFrom(`exc:${key}`),
      kind: ExceptionKind.Business,
      code: ambiguous ? SettlementExceptionCode.Ambiguous : SettlementExceptionCode.Unmatched,
      message: `${partnerId} ${document.documentId} entry ${entry.entryId}: ${fromMinorUnits(entry.amountMinor, entry.currency)} ${entry.currency} ${ambiguous ? 'is ambiguous' : 'matches no open invoice'}: ${decision.reason}`,
      service: this.options.serviceName,
      sourceTopic: input.source.topic,
      sourcePartition: input.source.partition,
      sourceOffset: input.source.offset,
      sourceKey: input.source.key,
      partnerId,
      correlationId: currentCorrelation()?.correlationId ?? null,
      details: [
        {
          code: 'entry',
          message: `${entry.bookingDate} ${fromMinorUnits(entry.amountMinor, entry.currency)} ${entry.currency} from ${entry.counterpartyName ?? 'an unnamed payer'}, references: ${entry.references.join(' | ') || 'none'}`,
          location: formatLocation(entry.at),
        },
        ...decision.candidates.map((candidate) => ({
          code: 'candidate',
          message: `${candidate.name} of ${candidate.partnerName}: ${fromMinorUnits(candidate.residualMinor, candidate.currency)} ${candidate.currency} due${candidate.dueDate ? ` on ${candidate.dueDate}` : ''}`,
          location: null,
        })),
      ],
      occurredAt: at,
      workflow: 'payment',
      documentType: null,
      businessKey: key,
      documentId: document.documentId,
      documentVersion: null,
      record: null,
    };
    return [
      {
        topic: TOPICS.opsExceptions,
        key,
        value: exception,
        headers: headers(partnerId),
        messageId: uuidFrom(`exc:${key}`),
      },
      this.stateMessage(
        key,
        input,
        entry,
        ambiguous ? FinanceStatus.Ambiguous : FinanceStatus.Unmatched,
        at,
        {
          reason: decision.reason,
          invoices: candidates,
        },
      ),
    ];
  }

  private async recordEntry(
    manager: EntityManager,
    input: SettlementInput,
    entry: SettlementEntry,
    decided: {
      decision: string;
      rule?: string;
      confidence?: number;
      paymentXid?: string;
      reason?: string;
      invoices?: string[];
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO settlement_entries (partner_id, document_id, entry_id, decision, rule, confidence, amount_minor,
         currency, booking_date, payment_xid, reason, invoices)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        input.partnerId,
        input.document.documentId,
        entry.entryId,
        decided.decision,
        decided.rule ?? null,
        decided.confidence ?? null,
        entry.amountMinor,
        entry.currency,
        entry.bookingDate,
        decided.paymentXid ?? null,
        decided.reason ?? null,
        JSON.stringify(decided.invoices ?? []),
      ],
    );
  }

  private stateMessage(
    key: string,
    input: SettlementInput,
    entry: SettlementEntry,
    status: FinanceStatus,
    at: number,
    extra: { rule?: string; confidence?: number; invoices?: string[]; reason?: string },
  ): OutboxEnqueueRequest<FinanceState> {
    return {
      topic: TOPICS.financeState,
      key,
      headers: headers(input.partnerId),
      value: {
        key,
        subject: FinanceSubject.SettlementEntry,
        status,
        partnerId: input.partnerId,
        reference: entry.entryId,
        currency: entry.currency,
        amountMinor: entry.amountMinor,
        residualMinor: null,
        rule: extra.rule ?? null,
        confidence: extra.confidence ?? null,
        invoices: extra.invoices ?? [],
        reason: extra.reason ?? null,
        version: 1,
        updatedAt: at,
        purchaseOrder: null,
        differences: [],
        billExternalId: null,
      },
    };
  }
}

export function headers(partnerId: string): Record<string, string> {
  const context = currentCorrelation();
  const result: Record<string, string> = { [HEADER.partnerId]: partnerId };
  if (context === undefined) return result;
  result[HEADER.correlationId] = context.correlationId;
  if (context.causationId !== undefined) result[HEADER.causationId] = context.causationId;
  if (context.traceparent !== undefined) result[HEADER.traceparent] = context.traceparent;
  return result;
}

/** A UUID (v4 layout) derived from a text: deterministic message ids for the outbox. */
export function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
