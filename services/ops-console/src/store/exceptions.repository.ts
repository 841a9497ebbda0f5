// The exception queue in PostgreSQL. Generic on ops.exceptions' fields (partner, workflow, reason code,
// business key, document reference, the record): a new workflow's exceptions queue without code here.
// Supersession and automatic resolution work on the business key, in the transaction of the record that
// causes them, each with its line of history.
import { ExceptionKind, type OpsException } from '@tradewind/contracts';
import type { EntityManager } from 'typeorm';

export enum ExceptionState {
  Open = 'open',
  InProgress = 'in_progress',
  Resolved = 'resolved',
  Discarded = 'discarded',
  Superseded = 'superseded',
}

export const ACTIVE_STATES: readonly ExceptionState[] = [ExceptionState.Open, ExceptionState.InProgress];

/** The workflow of a record that names none: dead letters are the engineers' technical queue. */
export const TECHNICAL_WORKFLOW = 'technical';

export interface ExceptionDetail {
  readonly code: string;
  readonly message: string;
  readonly location: string | null;
}

export interface StoredException {
  readonly exceptionId: string;
  readonly kind: string;
  readonly code: string;
  readonly message: string;
  readonly service: string;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly sourceKey: string | null;
  readonly partnerId: string | null;
  readonly correlationId: string | null;
  readonly details: readonly ExceptionDetail[];
  readonly occurredAt: Date;
  readonly workflow: string;
  readonly documentType: string | null;
  readonly businessKey: string | null;
  readonly documentId: string | null;
  readonly documentVersion: number | null;
  readonly record: unknown;
  readonly state: ExceptionState;
  readonly assignee: string | null;
  readonly tags: readonly string[];
  readonly supersededBy: string | null;
  readonly updatedAt: Date;
}

export interface ExceptionEvent {
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly reason: string | null;
  readonly policy: string | null;
  readonly detail: unknown;
}

export interface QueueFilter {
  readonly partnerId?: string;
  readonly workflow?: string;
  readonly code?: string;
  readonly states?: readonly ExceptionState[];
  /** Only exceptions older than this many milliseconds. */
  readonly olderThanMs?: number;
  /** Only exceptions of these workflows (a business user's domains); undefined: all. */
  readonly workflows?: readonly string[];
  readonly limit?: number;
}

interface ExceptionRow {
  exception_id: string;
  kind: string;
  code: string;
  message: string;
  service: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  source_key: string | null;
  partner_id: string | null;
  correlation_id: string | null;
  details: ExceptionDetail[];
  occurred_at: Date;
  workflow: string;
  document_type: string | null;
  business_key: string | null;
  document_id: string | null;
  document_version: string | null;
  record: unknown;
  state: ExceptionState;
  assignee: string | null;
  tags: string[];
  superseded_by: string | null;
  updated_at: Date;
}

function toStored(row: ExceptionRow): StoredException {
  return {
    exceptionId: row.exception_id,
    kind: row.kind,
    code: row.code,
    message: row.message,
    service: row.service,
    sourceTopic: row.source_topic,
    sourcePartition: row.source_partition,
    sourceOffset: row.source_offset,
    sourceKey: row.source_key,
    partnerId: row.partner_id,
    correlationId: row.correlation_id,
    details: row.details,
    occurredAt: row.occurred_at,
    workflow: row.workflow,
    documentType: row.document_type,
    businessKey: row.business_key,
    documentId: row.document_id,
    documentVersion: row.document_version === null ? null : Number(row.document_version),
    record: row.record,
    state: row.state,
    assignee: row.assignee,
    tags: row.tags,
    supersededBy: row.superseded_by,
    updatedAt: row.updated_at,
  };
}

function parseRecord(record: string | null): unknown {
  if (record === null) return null;
  try {
    return JSON.parse(record) as unknown;
  } catch {
    // Kept as text: a producer's malformed record is still worth showing.
    return { unparsed: record };
  }
}

export const SYSTEM_ACTOR = 'system';

export interface IngestOutcome {
  readonly stored: boolean;
  readonly superseded: readonly string[];
  readonly state: ExceptionState;
}

export class ExceptionsRepository {
  /**
   * Stores a record of ops.exceptions once (its exceptionId). A newer version of the same business
   * document supersedes the active older ones; a record older than an active one, or than the document's
   * latest success (order_states.success_version), is stored superseded or resolved at once.
   */
  async ingest(manager: EntityManager, exception: OpsException): Promise<IngestOutcome> {
    const workflow =
      exception.workflow ??
      (exception.kind === ExceptionKind.DeadLetter ? TECHNICAL_WORKFLOW : 'unclassified');
    const inserted = await manager.query<{ exception_id: string }[]>(
      `INSERT INTO exceptions (exception_id, kind, code, message, service, source_topic, source_partition,
         source_offset, source_key, partner_id, correlation_id, details, occurred_at, workflow, document_type,
         business_key, document_id, document_version, record)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $15, $16, $17, $18, $19::jsonb)
       ON CONFLICT (exception_id) DO NOTHING RETURNING exception_id`,
      [
        exception.exceptionId,
        exception.kind,
        exception.code,
        exception.message,
        exception.service,
        exception.sourceTopic,
        exception.sourcePartition,
        exception.sourceOffset,
        exception.sourceKey,
        exception.partnerId,
        exception.correlationId,
        JSON.stringify(exception.details),
        new Date(exception.occurredAt),
        workflow,
        exception.documentType,
        exception.businessKey,
        exception.documentId,
        exception.documentVersion,
        JSON.stringify(parseRecord(exception.record)),
      ],
    );
    if (inserted.length === 0) return { stored: false, superseded: [], state: ExceptionState.Open };
    const id = exception.exceptionId;
    await this.addEvent(manager, id, SYSTEM_ACTOR, 'received', null, null, {
      service: exception.service,
      source: `${exception.sourceTopic}/${exception.sourcePartition}@${exception.sourceOffset}`,
    });
    if (exception.businessKey === null) return { stored: true, superseded: [], state: ExceptionState.Open };

    const key = exception.businessKey;
    // Newer means a higher document version; without versions, a later occurrence.
    const newer = `(e.document_version IS NOT NULL AND $3::bigint IS NOT NULL AND e.document_version > $3::bigint)
                   OR ((e.document_version IS NULL OR $3::bigint IS NULL) AND e.occurred_at > $4)`;
    const [newest] = await manager.query<{ exception_id: string }[]>(
      `SELECT e.exception_id FROM exceptions e
        WHERE e.business_key = $1 AND e.exception_id <> $2 AND e.workflow = $5 AND (${newer})
        ORDER BY e.document_version DESC NULLS LAST, e.occurred_at DESC LIMIT 1`,
      [key, id, exception.documentVersion, new Date(exception.occurredAt), workflow],
    );
    if (newest !== undefined) {
      await this.moveTo(manager, id, ExceptionState.Superseded, SYSTEM_ACTOR, 'superseded', {
        reason: `a newer exception of ${key} exists`,
        policy: 'supersession: the newest version of a business document stands',
        supersededBy: newest.exception_id,
      });
      return { stored: true, superseded: [], state: ExceptionState.Superseded };
    }
    const succeeded = await manager.query<{ success_version: string }[]>(
      `SELECT success_version FROM order_states
        WHERE order_id = $1 AND success_version IS NOT NULL AND ($2::bigint IS NULL OR success_version > $2::bigint)`,
      [key, exception.documentVersion],
    );
    if (workflow === 'order' && succeeded.length > 0) {
      await this.moveTo(manager, id, ExceptionState.Resolved, SYSTEM_ACTOR, 'auto-resolved', {
        reason: `order ${key} succeeded at version ${succeeded[0].success_version}`,
        policy: 'auto-resolution: a later success of the same business key',
      });
      return { stored: true, superseded: [], state: ExceptionState.Resolved };
    }
    const older = await manager.query<{ exception_id: string }[]>(
      `SELECT exception_id FROM exceptions
        WHERE business_key = $1 AND exception_id <> $2 AND workflow = $3 AND state = ANY($4)
        FOR UPDATE`,
      [key, id, workflow, ACTIVE_STATES],
    );
    for (const row of older) {
      await this.moveTo(manager, row.exception_id, ExceptionState.Superseded, SYSTEM_ACTOR, 'superseded', {
        reason: `exception ${id} is newer for ${key}`,
        policy: 'supersession: the newest version of a business document stands',
        supersededBy: id,
      });
    }
    return { stored: true, superseded: older.map((r) => r.exception_id), state: ExceptionState.Open };
  }

  /** Resolves the active exceptions of a business key after its success; the ids resolved. */
  async resolveByKey(
    manager: EntityManager,
    workflow: string,
    businessKey: string,
    reason: string,
    policy: string,
  ): Promise<string[]> {
    const rows = await manager.query<{ exception_id: string }[]>(
      `SELECT exception_id FROM exceptions
        WHERE business_key = $1 AND workflow = $2 AND state = ANY($3) FOR UPDATE`,
      [businessKey, workflow, ACTIVE_STATES],
    );
    for (const row of rows) {
      await this.moveTo(manager, row.exception_id, ExceptionState.Resolved, SYSTEM_ACTOR, 'auto-resolved', {
        reason,
        policy,
      });
    }
    return rows.map((r) => r.exception_id);
  }

  async moveTo(
    manager: EntityManager,
    exceptionId: string,
    state: ExceptionState,
    actor: string,
    action: string,
    options: { reason?: string | null; policy?: string | null; supersededBy?: string; detail?: unknown } = {},
  ): Promise<void> {
    await manager.query(
      `UPDATE exceptions SET state = $2, superseded_by = COALESCE($3, superseded_by), updated_at = now()
        WHERE exception_id = $1`,
      [exceptionId, state, options.supersededBy ?? null],
    );
    await this.addEvent(manager, exceptionId, actor, action, options.reason ?? null, options.policy ?? null, {
      state,
      ...(options.supersededBy === undefined ? {} : { supersededBy: options.supersededBy }),
      ...(options.detail === undefined ? {} : { detail: options.detail }),
    });
  }

  async assign(manager: EntityManager, exceptionId: string, assignee: string | null): Promise<void> {
    await manager.query(
      `UPDATE exceptions SET assignee = $2,
              state = CASE WHEN state = 'open' AND $2::text IS NOT NULL THEN 'in_progress' ELSE state END,
              updated_at = now()
        WHERE exception_id = $1`,
      [exceptionId, assignee],
    );
  }

  async setTags(manager: EntityManager, exceptionId: string, tags: readonly string[]): Promise<void> {
    await manager.query('UPDATE exceptions SET tags = $2, updated_at = now() WHERE exception_id = $1', [
      exceptionId,
      tags,
    ]);
  }

  async addEvent(
    manager: EntityManager,
    exceptionId: string,
    actor: string,
    action: string,
    reason: string | null,
    policy: string | null,
    detail: unknown,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO exception_events (exception_id, actor, action, reason, policy, detail)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [exceptionId, actor, action, reason, policy, JSON.stringify(detail ?? null)],
    );
  }

  async get(manager: EntityManager, exceptionId: string, lock = false): Promise<StoredException | undefined> {
    const rows = await manager.query<ExceptionRow[]>(
      `SELECT * FROM exceptions WHERE exception_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [exceptionId],
    );
    return rows.length === 0 ? undefined : toStored(rows[0]);
  }

  async events(manager: EntityManager, exceptionId: string): Promise<ExceptionEvent[]> {
    const rows = await manager.query<
      {
        at: Date;
        actor: string;
        action: string;
        reason: string | null;
        policy: string | null;
        detail: unknown;
      }[]
    >(
      'SELECT at, actor, action, reason, policy, detail FROM exception_events WHERE exception_id = $1 ORDER BY event_id',
      [exceptionId],
    );
    return rows;
  }

  async list(manager: EntityManager, filter: QueueFilter): Promise<StoredException[]> {
    const { where, params } = whereOf(filter);
    params.push(filter.limit ?? 200);
    const rows = await manager.query<ExceptionRow[]>(
      `SELECT * FROM exceptions ${where} ORDER BY occurred_at DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toStored);
  }

  /** Counts per reason code under the same filter (without the code filter itself). */
  async countsByReason(
    manager: EntityManager,
    filter: QueueFilter,
  ): Promise<{ code: string; workflow: string; count: number }[]> {
    const { where, params } = whereOf({ ...filter, code: undefined });
    const rows = await manager.query<{ code: string; workflow: string; count: string }[]>(
      `SELECT code, workflow, count(*) AS count FROM exceptions ${where}
        GROUP BY code, workflow ORDER BY count(*) DESC, code`,
      params,
    );
    return rows.map((r) => ({ code: r.code, workflow: r.workflow, count: Number(r.count) }));
  }

  /** The distinct values the filters offer. */
  async facets(
    manager: EntityManager,
  ): Promise<{ partners: string[]; workflows: string[]; codes: string[] }> {
    const [row] = await manager.query<
      { partners: string[] | null; workflows: string[] | null; codes: string[] | null }[]
    >(
      `SELECT array_agg(DISTINCT partner_id) FILTER (WHERE partner_id IS NOT NULL) AS partners,
              array_agg(DISTINCT workflow) AS workflows, array_agg(DISTINCT code) AS codes FROM exceptions`,
    );
    return { partners: row.partners ?? [], workflows: row.workflows ?? [], codes: row.codes ?? [] };
  }
}

function whereOf(filter: QueueFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.partnerId !== undefined) add('partner_id = ?', filter.partnerId);
  if (filter.workflow !== undefined) add('workflow = ?', filter.workflow);
  if (filter.code !== undefined) add('code = ?', filter.code);
  if (filter.states !== undefined && filter.states.length > 0) add('state = ANY(?)', filter.states);
  if (filter.olderThanMs !== undefined)
    add("occurred_at < now() - (? || ' milliseconds')::interval", String(filter.olderThanMs));
  if (filter.workflows !== undefined) add('workflow = ANY(?)', filter.workflows);
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}
