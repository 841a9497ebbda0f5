import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Purchase orders sent to suppliers, their SLA timers (they survive restarts) and the poll's mark. */
export class CreatePurchasing1796140000000 implements MigrationInterface {
  readonly name = 'CreatePurchasing1796140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE purchase_orders (
        purchase_order_id text        PRIMARY KEY,
        odoo_order_id     bigint      NOT NULL UNIQUE,
        po_number         text        NOT NULL,
        supplier_id       text        NOT NULL,
        revision          int         NOT NULL,
        content_hash      text        NOT NULL,
        status            text        NOT NULL,
        currency          text        NOT NULL,
        order_date        text        NOT NULL,
        lines             jsonb       NOT NULL,
        trace             jsonb       NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX purchase_orders_supplier_po ON purchase_orders (supplier_id, po_number)',
    );
    await queryRunner.query(`
      CREATE TABLE sla_timers (
        purchase_order_id text        NOT NULL REFERENCES purchase_orders (purchase_order_id),
        kind              text        NOT NULL,
        revision          int         NOT NULL,
        control_number    text,
        due_at            timestamptz NOT NULL,
        fired_at          timestamptz,
        closed_at         timestamptz,
        CONSTRAINT sla_timers_pkey PRIMARY KEY (purchase_order_id, kind, revision)
      )`);
    await queryRunner.query(
      'CREATE INDEX sla_timers_due ON sla_timers (due_at) WHERE fired_at IS NULL AND closed_at IS NULL',
    );
    // Supplier documents applied, one row each: a redelivery or a replay applies nothing twice.
    await queryRunner.query(`
      CREATE TABLE supplier_documents (
        document_id text        PRIMARY KEY,
        applied_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE TABLE poll_marks (source text PRIMARY KEY, mark text NOT NULL)`);
    await queryRunner.query('CREATE SEQUENCE x12_control_numbers MINVALUE 1 MAXVALUE 999999999 CYCLE');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP SEQUENCE x12_control_numbers');
    await queryRunner.query('DROP TABLE poll_marks');
    await queryRunner.query('DROP TABLE supplier_documents');
    await queryRunner.query('DROP TABLE sla_timers');
    await queryRunner.query('DROP TABLE purchase_orders');
  }
}

/**
 * The Odoo write_date of the order last applied: an offer read before it (a webhook's read that lost the
 * race to a later poll) is stale and changes nothing.
 */
export class AddPurchaseOrderWriteDate1796150000000 implements MigrationInterface {
  readonly name = 'AddPurchaseOrderWriteDate1796150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE purchase_orders ADD COLUMN odoo_write_date text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE purchase_orders DROP COLUMN odoo_write_date');
  }
}
