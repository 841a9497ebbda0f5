import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reconciler's view of finance.state: the latest state of each customer invoice, settlement entry and
 * supplier invoice, and the window it was first seen in.
 */
export class CreateFinanceViews1796300000005 implements MigrationInterface {
  readonly name = 'CreateFinanceViews1796300000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE finance_views (
        key               text        NOT NULL,
        subject           text        NOT NULL,
        status            text        NOT NULL,
        partner_id        text,
        reference         text        NOT NULL,
        currency          text        NOT NULL,
        amount_minor      bigint      NOT NULL,
        residual_minor    bigint,
        bill_external_id  text,
        reason            text,
        version           bigint      NOT NULL,
        state_updated_at  timestamptz NOT NULL,
        received_at       timestamptz NOT NULL,
        CONSTRAINT finance_views_pkey PRIMARY KEY (key)
      )`);
    await queryRunner.query('CREATE INDEX finance_views_received_at ON finance_views (received_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE finance_views');
  }
}
