// The write ledger and the results, in PostgreSQL. A command's outcome, its ledger row and its inbox
// mark commit in one transaction with the odoo.results message (transactional outbox): after a crash,
// either all of them happened (a redelivery is skipped by the inbox) or none (the command is written
// again, harmlessly: Odoo writes are idempotent by external id).
import type { OdooResult } from '@tradewind/contracts';
import { TOPICS } from '@tradewind/contracts';
import { type Inbox, INBOX_TABLE, type OutboxWriter, withTransaction } from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import type { WriterCommand } from '../commands/writer-command';
import { WRITE_LEDGER_TABLE } from './write-ledger.migration';

export interface LedgerEntry {
  odooModel: string;
  odooId: number | null;
  payloadSha256: string;
  lastCommandId: string;
  lastOutcome: string;
}

export interface CommandHistory {
  /** The command id was already handled by this consumer group (a redelivery). */
  processed: boolean;
  entry: LedgerEntry | undefined;
}

interface LedgerRow {
  processed: boolean;
  odoo_model: string | null;
  odoo_id: string | null;
  payload_sha256: string | null;
  last_command_id: string | null;
  last_outcome: string | null;
}

export class WriteLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly inbox: Inbox,
    private readonly consumerGroup: string,
  ) {}

  /** The inbox mark and the ledger row of a command, in one round trip. */
  async history(command: WriterCommand): Promise<CommandHistory> {
    const rows = await this.dataSource.query<LedgerRow[]>(
      `SELECT EXISTS (SELECT 1 FROM ${INBOX_TABLE} WHERE consumer_group = $1 AND message_id = $2) AS processed,
              l.odoo_model, l.odoo_id::text AS odoo_id, l.payload_sha256, l.last_command_id, l.last_outcome
         FROM (SELECT 1) AS one
         LEFT JOIN ${WRITE_LEDGER_TABLE} l ON l.external_id = $3 AND l.command_type = $4`,
      [this.consumerGroup, command.commandId, command.externalId, command.type],
    );
    const row = rows[0];
    return {
      processed: row?.processed === true,
      entry:
        row?.payload_sha256 && row.odoo_model && row.last_command_id && row.last_outcome
          ? {
              odooModel: row.odoo_model,
              odooId: row.odoo_id === null ? null : Number(row.odoo_id),
              payloadSha256: row.payload_sha256,
              lastCommandId: row.last_command_id,
              lastOutcome: row.last_outcome,
            }
          : undefined,
    };
  }

  /**
   * Records a command Odoo now reflects (written, already_done, unchanged): ledger row, inbox mark and
   * result together. Returns false when a concurrent delivery of the same command got there first.
   */
  async recordDone(
    command: WriterCommand,
    payloadSha256: string,
    result: OdooResult,
    headers: Record<string, string>,
  ): Promise<boolean> {
    return withTransaction(this.dataSource, (manager) =>
      this.inbox.runOnce(
        manager,
        { consumerGroup: this.consumerGroup, messageId: command.commandId },
        async (m) => {
          await upsertLedger(m, command, payloadSha256, result);
          await this.outbox.enqueue(m, {
            topic: TOPICS.odooResults,
            key: command.externalId,
            value: result,
            headers,
          });
        },
      ),
    );
  }

  /**
   * Publishes a failure (business or final technical). No inbox mark and no ledger change: a corrected
   * replay of the same command must run again.
   */
  async recordFailure(
    externalId: string,
    result: OdooResult,
    headers: Record<string, string>,
  ): Promise<void> {
    await withTransaction(this.dataSource, (manager) =>
      this.outbox.enqueue(manager, { topic: TOPICS.odooResults, key: externalId, value: result, headers }),
    );
  }
}

async function upsertLedger(
  manager: EntityManager,
  command: WriterCommand,
  payloadSha256: string,
  result: OdooResult,
): Promise<void> {
  await manager.query(
    `INSERT INTO ${WRITE_LEDGER_TABLE} AS l
       (external_id, command_type, odoo_model, odoo_id, payload_sha256, last_command_id, last_outcome, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (external_id, command_type) DO UPDATE SET
       odoo_model = EXCLUDED.odoo_model,
       odoo_id = COALESCE(EXCLUDED.odoo_id, l.odoo_id),
       payload_sha256 = EXCLUDED.payload_sha256,
       last_command_id = EXCLUDED.last_command_id,
       last_outcome = EXCLUDED.last_outcome,
       updated_at = now()`,
    [
      command.externalId,
      command.type,
      result.odooModel ?? '',
      result.odooId,
      payloadSha256,
      command.commandId,
      result.outcome,
    ],
  );
}
