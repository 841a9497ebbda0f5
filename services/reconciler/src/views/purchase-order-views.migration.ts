import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reconciler's view of purchasing.state: the latest state of each purchase order sent to a supplier,
 * the window it was first seen in, and when its latest revision was sent (for the supplier's SLA).
 */
export class CreatePurchaseOrderViews1796300000003 implements MigrationInterface {
  readonly name = 'CreatePurchaseOrderViews1796300000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE purchase_order_views (
        purchase_order_id text        NOT NULL,
        odoo_order_id     bigint      NOT NULL,
        po_number         text        NOT NULL,
        supplier_id       text        NOT NULL,
        revision          integer     NOT NULL,
        status            text        NOT NULL,
        lines             jsonb       NOT NULL,
        trace_length      integer     NOT NULL,
        sent_at           timestamptz,
        state_updated_at  timestamptz NOT NULL,
        received_at       timestamptz NOT NULL,
        CONSTRAINT purchase_order_views_pkey PRIMARY KEY (purchase_order_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX purchase_order_views_received_at ON purchase_order_views (received_at)',
    );
    await queryRunner.query(
      'CREATE INDEX purchase_order_views_odoo_order_id ON purchase_order_views (odoo_order_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE purchase_order_views');
  }
}
