// Re-drives and their commands in PostgreSQL: what was planned, sent, and what Odoo answered.
import { deleteInBatches } from '@tradewind/persistence';
import type { DataSource } from 'typeorm';

export enum RedriveStatus {
  /** Waiting for its canary's answer on odoo.results. */
  Canary = 'canary',
  /** Sending the rest, rate limited. */
  Running = 'running',
  /** Held: an odoo-writer's breaker is not closed (or a writer cannot be read). */
  Paused = 'paused',
  /** Every planned command sent; their answers arrive on odoo.results. */
  Sent = 'sent',
  /** The canary failed or had no answer in time: nothing else was sent. */
  Stopped = 'stopped',
  /** Nothing to send (only exceptions for a person, or nothing at all). */
  Nothing = 'nothing',
}

export const SUCCESS_OUTCOMES = new Set(['written', 'unchanged', 'already_done']);

export interface RedriveCommandRow {
  readonly commandId: string;
  readonly orderId: string;
  readonly class: string;
  readonly commandType: string;
  readonly canary: boolean;
}

export interface RedriveSummary {
  readonly redriveId: string;
  readonly windowStart: string;
  readonly partnerId: string | null;
  readonly status: RedriveStatus;
  readonly detail: string | null;
  readonly planned: number;
  readonly forPerson: number;
  readonly deferred: number;
  /** Orders by where they are: sent, answered with success by Odoo, answered with a failure. */
  readonly orders: { readonly sent: number; readonly succeeded: number; readonly failed: number };
  /** Each command, in the order sent: the canary's first. */
  readonly commands: readonly {
    readonly commandId: string;
    readonly orderId: string;
    readonly class: string;
    readonly commandType: string;
    readonly canary: boolean;
    readonly sentAt: string | null;
    readonly outcome: string | null;
    readonly error: string | null;
  }[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export class RedriveStore {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: {
    redriveId: string;
    windowStart: number;
    partnerId: string | null;
    status: RedriveStatus;
    planned: number;
    forPerson: number;
    deferred: number;
    commands: readonly RedriveCommandRow[];
  }): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO redrives (redrive_id, window_start, partner_id, status, planned, for_person, deferred)
         VALUES ($1, to_timestamp($2 / 1000.0), $3, $4, $5, $6, $7)`,
        [
          input.redriveId,
          input.windowStart,
          input.partnerId,
          input.status,
          input.planned,
          input.forPerson,
          input.deferred,
        ],
      );
      if (input.commands.length > 0) {
        await manager.query(
          `INSERT INTO redrive_commands (command_id, redrive_id, order_id, class, command_type, canary)
           SELECT c, $1, o, k, t, x FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])
             AS q(c, o, k, t, x)`,
          [
            input.redriveId,
            input.commands.map((c) => c.commandId),
            input.commands.map((c) => c.orderId),
            input.commands.map((c) => c.class),
            input.commands.map((c) => c.commandType),
            input.commands.map((c) => c.canary),
          ],
        );
      }
    });
  }

  async setStatus(redriveId: string, status: RedriveStatus, detail: string | null = null): Promise<void> {
    await this.dataSource.query(
      'UPDATE redrives SET status = $2, detail = $3, updated_at = now() WHERE redrive_id = $1',
      [redriveId, status, detail],
    );
  }

  async markSent(commandIds: readonly string[]): Promise<void> {
    await this.dataSource.query(
      'UPDATE redrive_commands SET sent_at = now() WHERE command_id = ANY($1::text[]) AND sent_at IS NULL',
      [commandIds],
    );
  }

  /** Records Odoo's answer to a command if it is a re-drive's (the first answer stands); true if it was. */
  async recordResult(result: {
    commandId: string;
    outcome: string;
    error: string | null;
    completedAt: number;
  }): Promise<boolean> {
    // typeorm answers an UPDATE with [rows, affected].
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      `UPDATE redrive_commands SET outcome = $2, error = $3, completed_at = to_timestamp($4 / 1000.0)
        WHERE command_id = $1 AND outcome IS NULL`,
      [result.commandId, result.outcome, result.error, result.completedAt],
    );
    return affected > 0;
  }

  /** Answers so far to the given commands. */
  async outcomes(
    commandIds: readonly string[],
  ): Promise<Map<string, { outcome: string; error: string | null }>> {
    const rows = await this.dataSource.query<{ command_id: string; outcome: string; error: string | null }[]>(
      `SELECT command_id, outcome, error FROM redrive_commands
        WHERE command_id = ANY($1::text[]) AND outcome IS NOT NULL`,
      [commandIds],
    );
    return new Map(rows.map((r) => [r.command_id, { outcome: r.outcome, error: r.error }]));
  }

  async summary(redriveId: string): Promise<RedriveSummary | undefined> {
    const rows = await this.dataSource.query<
      {
        redrive_id: string;
        window_start: Date;
        partner_id: string | null;
        status: RedriveStatus;
        detail: string | null;
        planned: number;
        for_person: number;
        deferred: number;
        created_at: Date;
        updated_at: Date;
        sent: string;
        succeeded: string;
        failed: string;
      }[]
    >(
      `SELECT r.*,
              (SELECT count(*) FROM (SELECT order_id FROM redrive_commands c WHERE c.redrive_id = r.redrive_id
                 GROUP BY order_id HAVING bool_and(sent_at IS NOT NULL)) s) AS sent,
              (SELECT count(*) FROM (SELECT order_id FROM redrive_commands c WHERE c.redrive_id = r.redrive_id
                 GROUP BY order_id HAVING bool_and(coalesce(outcome = ANY($2::text[]), false))) s) AS succeeded,
              (SELECT count(*) FROM (SELECT order_id FROM redrive_commands c WHERE c.redrive_id = r.redrive_id
                 GROUP BY order_id HAVING bool_or(outcome IS NOT NULL AND NOT outcome = ANY($2::text[]))) s) AS failed
         FROM redrives r WHERE r.redrive_id = $1`,
      [redriveId, [...SUCCESS_OUTCOMES]],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const commands = await this.dataSource.query<
      {
        command_id: string;
        order_id: string;
        class: string;
        command_type: string;
        canary: boolean;
        sent_at: Date | null;
        outcome: string | null;
        error: string | null;
      }[]
    >(
      `SELECT command_id, order_id, class, command_type, canary, sent_at, outcome, error
         FROM redrive_commands WHERE redrive_id = $1
        ORDER BY canary DESC, sent_at NULLS LAST, order_id, command_type DESC`,
      [redriveId],
    );
    return {
      redriveId: row.redrive_id,
      windowStart: row.window_start.toISOString(),
      partnerId: row.partner_id,
      status: row.status,
      detail: row.detail,
      planned: row.planned,
      forPerson: row.for_person,
      deferred: row.deferred,
      orders: { sent: Number(row.sent), succeeded: Number(row.succeeded), failed: Number(row.failed) },
      commands: commands.map((c) => ({
        commandId: c.command_id,
        orderId: c.order_id,
        class: c.class,
        commandType: c.command_type,
        canary: c.canary,
        sentAt: c.sent_at?.toISOString() ?? null,
        outcome: c.outcome,
        error: c.error,
      })),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  /** Housekeeping: re-drives older than the retention (their commands go with them). */
  purgeOlderThan(retentionMs: number): Promise<number> {
    return deleteInBatches(this.dataSource, {
      table: 'redrives',
      where: 'created_at < now() - make_interval(secs => $1::double precision / 1000)',
      params: [retentionMs],
      batchSize: 1_000,
    });
  }
}
