// Everything a person does to an exception, each in one transaction with its line of history and its
// ops.audit record (who, what, why, under which policy) through the outbox: the state change and what it
// publishes (a replayed correction, the audit) commit together or not at all. Refusals are audited too.
import { createHash, randomUUID } from 'node:crypto';

import {
  type AuditEvent,
  AuditOutcome,
  DocumentFormat,
  type IngressDocument,
  TOPICS,
} from '@tradewind/contracts';
import { HEADER } from '@tradewind/messaging';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import type { PartnerSalesOrder } from '@tradewind/partner-documents';
import { type OutboxWriter, withTransaction } from '@tradewind/persistence';
import type { Kafka, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';

import type { ConsoleUser } from '../auth/console-user';
import { ConsoleErrorCode, ConsoleException } from '../ops-console.exception';
import type { OpsConsoleMetrics } from '../ops-console.metrics';
import {
  ACTIVE_STATES,
  type ExceptionsRepository,
  ExceptionState,
  type StoredException,
} from '../store/exceptions.repository';
import type { ViewsRepository } from '../store/views.repository';
import { ConsoleAction, decide, type PolicyDecision } from './console-policy';
import { type CorrectionResult, correctSalesOrder } from './sales-order.correction';

export interface ActionResult {
  readonly outcome: 'done' | 'requested';
  readonly message: string;
}

export interface Approval {
  readonly approvalId: string;
  readonly exceptionId: string;
  readonly action: ConsoleAction;
  readonly payload: { form?: Record<string, string>; reason: string };
  readonly reason: string;
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly decision: 'approved' | 'rejected' | null;
  readonly decidedBy: string | null;
}

/** A UUID-shaped id from a seed: a correction of an exception always has the same document id. */
function seededUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const FORMATS: ReadonlySet<string> = new Set(Object.values(DocumentFormat));

export class ExceptionActions {
  private producer: Producer | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly exceptions: ExceptionsRepository,
    private readonly views: ViewsRepository,
    private readonly outbox: OutboxWriter,
    private readonly catalog: PartnerCatalog,
    private readonly kafka: Kafka,
    private readonly metrics: OpsConsoleMetrics,
    private readonly serviceName: string,
  ) {}

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }

  // ---- the actions ---------------------------------------------------------------------------------

  assign(user: ConsoleUser, id: string, assignee: string | null): Promise<ActionResult> {
    return this.act(
      user,
      id,
      ConsoleAction.Assign,
      assignee === null ? 'unassigned' : `assigned to ${assignee}`,
      async (m, e, d) => {
        this.assertActive(e);
        await this.exceptions.assign(m, id, assignee);
        await this.exceptions.addEvent(
          m,
          id,
          user.id,
          assignee === null ? 'unassigned' : 'assigned',
          null,
          d.policy,
          { assignee },
        );
        return { outcome: 'done', message: assignee === null ? 'Unassigned.' : `Assigned to ${assignee}.` };
      },
    );
  }

  comment(user: ConsoleUser, id: string, text: string): Promise<ActionResult> {
    const body = text.trim();
    if (body.length === 0 || body.length > 4000) {
      throw new ConsoleException(ConsoleErrorCode.InvalidInput, 'A comment has 1 to 4000 characters.', [
        { field: 'comment', message: 'required' },
      ]);
    }
    return this.act(user, id, ConsoleAction.Comment, body, async (m, _e, d) => {
      await this.exceptions.addEvent(m, id, user.id, 'commented', body, d.policy, null);
      return { outcome: 'done', message: 'Comment added.' };
    });
  }

  tag(user: ConsoleUser, id: string, tagsText: string): Promise<ActionResult> {
    const tags = [
      ...new Set(
        tagsText
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter((t) => t.length > 0),
      ),
    ];
    const bad = tags.filter((t) => !/^[a-z0-9][a-z0-9-]{0,31}$/.test(t));
    if (bad.length > 0 || tags.length > 10) {
      throw new ConsoleException(
        ConsoleErrorCode.InvalidInput,
        'Tags are up to 10 words of a-z, 0-9 and -, up to 32 characters.',
        [{ field: 'tags', message: bad.join(', ') }],
      );
    }
    return this.act(user, id, ConsoleAction.Tag, tags.join(','), async (m, _e, d) => {
      await this.exceptions.setTags(m, id, tags);
      await this.exceptions.addEvent(m, id, user.id, 'tagged', null, d.policy, { tags });
      return { outcome: 'done', message: 'Tags saved.' };
    });
  }

  discard(user: ConsoleUser, id: string, reasonText: string): Promise<ActionResult> {
    const reason = this.requireReason(reasonText);
    return this.act(user, id, ConsoleAction.Discard, reason, async (m, e, d) => {
      this.assertActive(e);
      if (d.fourEyes) return this.requestApproval(m, user, e, ConsoleAction.Discard, { reason }, d);
      await this.exceptions.moveTo(m, id, ExceptionState.Discarded, user.id, 'discarded', {
        reason,
        policy: d.policy,
      });
      return { outcome: 'done', message: 'Discarded.' };
    });
  }

  /** The correction as it would be replayed, without doing anything (the form's preview). */
  async previewCorrection(
    user: ConsoleUser,
    id: string,
    form: Record<string, string>,
  ): Promise<CorrectionResult> {
    const exception = await this.load(this.dataSource.manager, id);
    const decision = decide(user, ConsoleAction.Correct, exception);
    if (!decision.allowed) throw new ConsoleException(ConsoleErrorCode.Forbidden, decision.policy);
    return this.correctionOf(exception, form);
  }

  correct(
    user: ConsoleUser,
    id: string,
    form: Record<string, string>,
    reasonText: string,
  ): Promise<ActionResult> {
    const reason = this.requireReason(reasonText);
    return this.act(user, id, ConsoleAction.Correct, reason, async (m, e, d) => {
      this.assertActive(e);
      await this.assertNotReplayed(m, e);
      const correction = this.correctionOf(e, form);
      if (correction.problems.length > 0) {
        throw new ConsoleException(
          ConsoleErrorCode.InvalidInput,
          'The corrected order still breaks intake rules.',
          correction.problems.map((p) => ({
            field: p.location ?? undefined,
            message: `${p.code}: ${p.message}`,
          })),
        );
      }
      if (correction.changes.length === 0) {
        throw new ConsoleException(
          ConsoleErrorCode.InvalidInput,
          'Nothing was changed: a replay of the same order would be rejected again.',
        );
      }
      if (d.fourEyes) return this.requestApproval(m, user, e, ConsoleAction.Correct, { form, reason }, d);
      await this.replay(m, user, e, correction, reason, d.policy);
      return { outcome: 'done', message: 'Corrected and replayed: order-intake decides it again.' };
    });
  }

  redrive(user: ConsoleUser, id: string, reasonText: string): Promise<ActionResult> {
    const reason = this.requireReason(reasonText);
    return this.act(user, id, ConsoleAction.Redrive, reason, async (m, e, d) => {
      this.assertActive(e);
      const letter = await this.views.deadLetterOf(
        m,
        { topic: e.sourceTopic, group: e.service, partition: e.sourcePartition, offset: e.sourceOffset },
        true,
      );
      if (letter === undefined) {
        throw new ConsoleException(
          ConsoleErrorCode.InvalidState,
          `The dead letter of ${e.sourceTopic}/${e.sourcePartition}@${e.sourceOffset} is not in the console yet.`,
        );
      }
      if (letter.redrivenAt !== null) {
        throw new ConsoleException(
          ConsoleErrorCode.InvalidState,
          `Already re-driven by ${letter.redrivenBy} at ${letter.redrivenAt.toISOString()}.`,
        );
      }
      // Sent before the commit: if the commit fails the record was re-driven without the mark, and a
      // second re-drive is deduplicated by the consumers' inbox (same message-id header).
      await this.send(letter.originalTopic, {
        key: letter.key,
        value: letter.value,
        headers: letter.headers,
        partition: letter.originalPartition >= 0 ? letter.originalPartition : undefined,
      });
      await this.views.markRedriven(m, letter, user.id);
      await this.exceptions.moveTo(m, id, ExceptionState.Resolved, user.id, 're-driven', {
        reason,
        policy: d.policy,
        detail: {
          to: `${letter.originalTopic}/${letter.originalPartition}`,
          from: `${letter.dlqTopic}/${letter.dlqPartition}@${letter.dlqOffset}`,
        },
      });
      return { outcome: 'done', message: `Re-driven to ${letter.originalTopic}.` };
    });
  }

  async approvals(manager: EntityManager, exceptionId?: string): Promise<Approval[]> {
    const rows = await manager.query<
      {
        approval_id: string;
        exception_id: string;
        action: ConsoleAction;
        payload: Approval['payload'];
        reason: string;
        requested_by: string;
        requested_at: Date;
        decision: Approval['decision'];
        decided_by: string | null;
      }[]
    >(
      exceptionId === undefined
        ? 'SELECT * FROM approvals WHERE decision IS NULL ORDER BY requested_at'
        : 'SELECT * FROM approvals WHERE exception_id = $1 ORDER BY requested_at',
      exceptionId === undefined ? [] : [exceptionId],
    );
    return rows.map((r) => ({
      approvalId: r.approval_id,
      exceptionId: r.exception_id,
      action: r.action,
      payload: r.payload,
      reason: r.reason,
      requestedBy: r.requested_by,
      requestedAt: r.requested_at,
      decision: r.decision,
      decidedBy: r.decided_by,
    }));
  }

  /** Four-eyes: another business user of the workflow approves (the action runs) or rejects it. */
  decideApproval(
    user: ConsoleUser,
    approvalId: string,
    approve: boolean,
    reasonText: string,
  ): Promise<ActionResult> {
    const reason = approve ? reasonText.trim() || 'approved' : this.requireReason(reasonText);
    return withTransaction(this.dataSource, async (m) => {
      const [approval] = await m.query<
        {
          exception_id: string;
          requested_by: string;
          decision: string | null;
          action: ConsoleAction;
          payload: Approval['payload'];
        }[]
      >(
        'SELECT exception_id, requested_by, decision, action, payload FROM approvals WHERE approval_id = $1 FOR UPDATE',
        [approvalId],
      );
      if (approval === undefined)
        throw new ConsoleException(ConsoleErrorCode.NotFound, 'No such approval request.');
      if (approval.decision !== null)
        throw new ConsoleException(ConsoleErrorCode.InvalidState, `Already ${approval.decision}.`);
      return this.act(
        user,
        approval.exception_id,
        ConsoleAction.Approve,
        reason,
        async (_m, e, d) => {
          if (approval.requested_by === user.id) {
            throw new ConsoleException(
              ConsoleErrorCode.SameApprover,
              `Four-eyes: ${user.id} requested this ${approval.action} and cannot also approve it; another business user must.`,
            );
          }
          await m.query(
            'UPDATE approvals SET decision = $2, decided_by = $3, decided_at = now() WHERE approval_id = $1',
            [approvalId, approve ? 'approved' : 'rejected', user.id],
          );
          const policy = `four-eyes: requested by ${approval.requested_by}, ${approve ? 'approved' : 'rejected'} by ${user.id} (${d.policy})`;
          await this.exceptions.addEvent(
            m,
            e.exceptionId,
            user.id,
            approve ? 'approved' : 'approval rejected',
            reason,
            policy,
            {
              approvalId,
              action: approval.action,
            },
          );
          if (!approve) return { outcome: 'done', message: 'Request rejected.' };
          this.assertActive(e);
          if (approval.action === ConsoleAction.Discard) {
            await this.exceptions.moveTo(
              m,
              e.exceptionId,
              ExceptionState.Discarded,
              approval.requested_by,
              'discarded',
              {
                reason: approval.payload.reason,
                policy,
              },
            );
            return { outcome: 'done', message: 'Approved: discarded.' };
          }
          const correction = this.correctionOf(e, approval.payload.form ?? {});
          await this.replay(
            m,
            { id: approval.requested_by, name: approval.requested_by, roles: [], workflows: [] },
            e,
            correction,
            approval.payload.reason,
            policy,
          );
          return { outcome: 'done', message: 'Approved: corrected and replayed.' };
        },
        m,
      );
    });
  }

  /** The same action on many exceptions, each on its own (one refusal does not stop the others). */
  async bulk(
    user: ConsoleUser,
    ids: readonly string[],
    action: 'discard' | 'assign',
    reason: string,
  ): Promise<{ id: string; ok: boolean; result: string }[]> {
    const results: { id: string; ok: boolean; result: string }[] = [];
    for (const id of ids.slice(0, 200)) {
      try {
        const done =
          action === 'discard' ? await this.discard(user, id, reason) : await this.assign(user, id, user.id);
        results.push({ id, ok: true, result: done.message });
      } catch (error) {
        results.push({ id, ok: false, result: error instanceof ConsoleException ? error.message : 'failed' });
      }
    }
    return results;
  }

  // ---- the machinery -------------------------------------------------------------------------------

  /**
   * Loads and locks the exception, asks the policy, runs `body` and audits the outcome in the same
   * transaction; a refusal is audited in a transaction of its own (the failed one rolls back).
   */
  private async act(
    user: ConsoleUser,
    id: string,
    action: ConsoleAction,
    why: string,
    body: (
      manager: EntityManager,
      exception: StoredException,
      decision: PolicyDecision,
    ) => Promise<ActionResult>,
    outer?: EntityManager,
  ): Promise<ActionResult> {
    let denied: { exception: StoredException; decision: PolicyDecision } | undefined;
    const run = async (m: EntityManager): Promise<ActionResult> => {
      const exception = await this.load(m, id, true);
      const decision = decide(user, action, exception);
      if (!decision.allowed) {
        denied = { exception, decision };
        throw new ConsoleException(ConsoleErrorCode.Forbidden, `Not allowed: ${decision.policy}.`);
      }
      const result = await body(m, exception, decision);
      await this.audit(
        m,
        user,
        action,
        exception,
        result.outcome === 'requested' ? AuditOutcome.Accepted : outcomeOf(action),
        decision.policy,
        why,
      );
      return result;
    };
    try {
      const result = outer === undefined ? await withTransaction(this.dataSource, run) : await run(outer);
      this.metrics.actions.inc({ action, outcome: result.outcome });
      return result;
    } catch (error) {
      const code = error instanceof ConsoleException ? error.code : undefined;
      this.metrics.actions.inc({
        action,
        outcome:
          code === ConsoleErrorCode.Forbidden || code === ConsoleErrorCode.SameApprover
            ? 'denied'
            : 'invalid',
      });
      if (denied !== undefined || code === ConsoleErrorCode.SameApprover) {
        const subject = denied?.exception ?? (await this.load(this.dataSource.manager, id));
        const policy = denied?.decision.policy ?? (error as Error).message;
        await withTransaction(this.dataSource, (m) =>
          this.audit(m, user, action, subject, AuditOutcome.Denied, policy, why),
        );
      }
      throw error;
    }
  }

  private async load(manager: EntityManager, id: string, lock = false): Promise<StoredException> {
    const exception = await this.exceptions.get(manager, id, lock);
    if (exception === undefined) throw new ConsoleException(ConsoleErrorCode.NotFound, `No exception ${id}.`);
    return exception;
  }

  private assertActive(exception: StoredException): void {
    if (!ACTIVE_STATES.includes(exception.state)) {
      throw new ConsoleException(
        ConsoleErrorCode.InvalidState,
        `The exception is ${exception.state.replace('_', ' ')}: nothing more to do.`,
      );
    }
  }

  /** One replay per exception until order-intake has answered (its success resolves, a new rejection supersedes). */
  private async assertNotReplayed(manager: EntityManager, exception: StoredException): Promise<void> {
    const events = await this.exceptions.events(manager, exception.exceptionId);
    if (events.some((e) => e.action === 'replayed')) {
      throw new ConsoleException(
        ConsoleErrorCode.InvalidState,
        'Already replayed: waiting for order-intake to decide the correction.',
      );
    }
  }

  private requireReason(text: string): string {
    const reason = text.trim();
    if (reason.length < 3 || reason.length > 1000) {
      throw new ConsoleException(ConsoleErrorCode.InvalidInput, 'Say why (3 to 1000 characters).', [
        { field: 'reason', message: 'required' },
      ]);
    }
    return reason;
  }

  private correctionOf(exception: StoredException, form: Record<string, string>): CorrectionResult {
    const record = exception.record as PartnerSalesOrder | null;
    if (
      record === null ||
      typeof record !== 'object' ||
      !Array.isArray(record.lines) ||
      exception.partnerId === null
    ) {
      throw new ConsoleException(ConsoleErrorCode.InvalidState, 'The exception carries no order to correct.');
    }
    return correctSalesOrder(record, form, exception.partnerId, this.catalog);
  }

  private async requestApproval(
    m: EntityManager,
    user: ConsoleUser,
    exception: StoredException,
    action: ConsoleAction,
    payload: Approval['payload'],
    decision: PolicyDecision,
  ): Promise<ActionResult> {
    const pending = await m.query<unknown[]>(
      'SELECT 1 FROM approvals WHERE exception_id = $1 AND decision IS NULL',
      [exception.exceptionId],
    );
    if (pending.length > 0)
      throw new ConsoleException(ConsoleErrorCode.InvalidState, 'A request already waits for approval.');
    const approvalId = randomUUID();
    await m.query(
      `INSERT INTO approvals (approval_id, exception_id, action, payload, reason, requested_by)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
      [approvalId, exception.exceptionId, action, JSON.stringify(payload), payload.reason, user.id],
    );
    await this.exceptions.addEvent(
      m,
      exception.exceptionId,
      user.id,
      `${action} requested`,
      payload.reason,
      decision.policy,
      { approvalId },
    );
    if (exception.state === ExceptionState.Open)
      await this.exceptions.assign(m, exception.exceptionId, exception.assignee ?? user.id);
    return { outcome: 'requested', message: `Waiting for a second business user to approve the ${action}.` };
  }

  /**
   * Publishes the corrected order on ingress.documents, as the gateway would, marked as a correction of
   * the rejected document: order-intake decides it again only while the order is rejected at intake, so
   * it reaches Odoo once however often this is attempted (docs/decisions/0013).
   */
  private async replay(
    m: EntityManager,
    user: ConsoleUser,
    exception: StoredException,
    correction: CorrectionResult,
    reason: string,
    policy: string,
  ): Promise<void> {
    const order = correction.order;
    const documentId = seededUuid(`correction|${exception.exceptionId}`);
    const record = JSON.stringify(order);
    const payload = Buffer.from(record, 'utf8');
    const format = FORMATS.has(order.format) ? order.format : DocumentFormat.Json;
    const document: IngressDocument = {
      documentId,
      batchId: null,
      batchIndex: 0,
      batchSize: 1,
      partnerId: exception.partnerId!,
      principal: `ops-console:${user.id}`,
      documentType: exception.documentType ?? 'sales-order',
      format,
      contentType: 'application/json',
      businessRef: order.poNumber,
      interchangeRef: null,
      idempotencyKey: null,
      apiVersion: 'v1',
      receivedAt: Date.now(),
      sha256: createHash('sha256').update(payload).digest('hex'),
      sizeBytes: payload.length,
      payload,
      claimCheckUri: null,
      correction: {
        correctsDocumentId: exception.documentId ?? '',
        exceptionId: exception.exceptionId,
        correctedBy: user.id,
        record,
      },
    };
    await this.outbox.enqueue(m, {
      topic: TOPICS.ingressDocuments,
      key: `${document.partnerId}/${document.documentType}/${order.poNumber}`,
      value: document,
      headers: {
        [HEADER.partnerId]: document.partnerId,
        [HEADER.correlationId]: exception.correlationId ?? documentId,
        [HEADER.causationId]: exception.exceptionId,
      },
      messageId: documentId,
    });
    await this.exceptions.addEvent(m, exception.exceptionId, user.id, 'corrected', reason, policy, {
      changes: correction.changes,
    });
    await this.exceptions.moveTo(m, exception.exceptionId, ExceptionState.InProgress, user.id, 'replayed', {
      reason,
      policy,
      detail: { topic: TOPICS.ingressDocuments, documentId },
    });
  }

  private async audit(
    m: EntityManager,
    user: ConsoleUser,
    action: ConsoleAction,
    exception: StoredException,
    outcome: AuditOutcome,
    policy: string,
    reason: string,
  ): Promise<void> {
    const event: AuditEvent = {
      auditId: randomUUID(),
      occurredAt: Date.now(),
      partnerId: exception.partnerId,
      principal: `ops-console:${user.id}`,
      action: `console.${action}`,
      documentType: exception.documentType ?? exception.workflow,
      trackingId: exception.documentId ?? exception.exceptionId,
      sizeBytes: 0,
      sha256: null,
      outcome,
      httpStatus: null,
      policy,
      reason: `exception ${exception.exceptionId}: ${reason}`.slice(0, 2000),
      remoteAddress: null,
      count: 1,
    };
    await this.outbox.enqueue(m, {
      topic: TOPICS.opsAudit,
      key: exception.partnerId ?? this.serviceName,
      value: event,
      headers: exception.partnerId === null ? {} : { [HEADER.partnerId]: exception.partnerId },
      messageId: event.auditId,
    });
  }

  private async send(
    topic: string,
    record: { key: Buffer | null; value: Buffer | null; headers: Record<string, string>; partition?: number },
  ): Promise<void> {
    if (this.producer === undefined) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.producer = producer;
    }
    await this.producer.send({ topic, acks: -1, messages: [record] });
  }
}

function outcomeOf(action: ConsoleAction): AuditOutcome {
  switch (action) {
    case ConsoleAction.Correct:
    case ConsoleAction.Redrive:
      return AuditOutcome.Replayed;
    case ConsoleAction.Assign:
    case ConsoleAction.Comment:
    case ConsoleAction.Tag:
    case ConsoleAction.Discard:
    case ConsoleAction.Approve:
      return AuditOutcome.Accepted;
  }
}
