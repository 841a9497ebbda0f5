import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether and when each document owed to a partner was delivered (partners.delivery-results). */
export class CreatePartnerDeliveryStatus1796140000000 implements MigrationInterface {
  readonly name = 'CreatePartnerDeliveryStatus1796140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE partner_delivery_status (
        outbound_id     text        NOT NULL,
        partner_id      text        NOT NULL,
        status          text        NOT NULL,
        attempts        integer     NOT NULL,
        channel         text        NOT NULL,
        endpoint        text        NOT NULL,
        last_attempt_at timestamptz NOT NULL,
        delivered_at    timestamptz,
        next_attempt_at timestamptz,
        last_error      text,
        receipt         jsonb,
        CONSTRAINT partner_delivery_status_pkey PRIMARY KEY (outbound_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE partner_delivery_status');
  }
}
