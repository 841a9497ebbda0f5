import { schemaOf } from '@tradewind/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-order acceptance (a batch can be partially accepted) and the register of X12 interchange control
 * numbers received, so that a repeated ISA13 is caught across restarts and replicas.
 */
export class PerOrderAcceptanceAndX12Interchanges1767500000000 implements MigrationInterface {
  readonly name = 'PerOrderAcceptanceAndX12Interchanges1767500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner.dataSource)}"`;
    await queryRunner.query(`
      ALTER TABLE ${s}.ingress_batch DROP CONSTRAINT ingress_batch_outcome_check,
        ADD CONSTRAINT ingress_batch_outcome_check
          CHECK (outcome IN ('accepted', 'partially-accepted', 'rejected', 'publish-failed'))`);
    await queryRunner.query(`
      CREATE TABLE ${s}.x12_interchange (
        partner_id     text        NOT NULL,
        control_number text        NOT NULL,
        batch_id       text        NOT NULL,
        received_at    timestamptz NOT NULL,
        PRIMARY KEY (partner_id, control_number)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner.dataSource)}"`;
    await queryRunner.query(`DROP TABLE ${s}.x12_interchange`);
    await queryRunner.query(`
      ALTER TABLE ${s}.ingress_batch DROP CONSTRAINT ingress_batch_outcome_check,
        ADD CONSTRAINT ingress_batch_outcome_check CHECK (outcome IN ('accepted', 'rejected', 'publish-failed'))`);
  }
}
