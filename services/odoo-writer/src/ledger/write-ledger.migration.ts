import { schemaOf } from '@tradewind/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export const WRITE_LEDGER_TABLE = 'odoo_write_ledger';

/**
 * What the writer last wrote to Odoo per target external id and command type (an order's upsert and its
 * confirmation are two rows): the Odoo record, the SHA-256 of the payload, the command that wrote it.
 */
export class CreateOdooWriteLedger1767400000000 implements MigrationInterface {
  readonly name = 'CreateOdooWriteLedger1767400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource);
    await queryRunner.query(`
      CREATE TABLE "${schema}".${WRITE_LEDGER_TABLE} (
        external_id     text        NOT NULL,
        command_type    text        NOT NULL,
        odoo_model      text        NOT NULL,
        odoo_id         bigint      NULL,
        payload_sha256  text        NOT NULL CHECK (payload_sha256 ~ '^[0-9a-f]{64}$'),
        last_command_id text        NOT NULL,
        last_outcome    text        NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (external_id, command_type)
      )`);
    await queryRunner.query(
      `CREATE INDEX ${WRITE_LEDGER_TABLE}_odoo_idx ON "${schema}".${WRITE_LEDGER_TABLE} (odoo_model, odoo_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource);
    await queryRunner.query(`DROP TABLE "${schema}".${WRITE_LEDGER_TABLE}`);
  }
}
