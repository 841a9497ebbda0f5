import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The orders order-intake has seen, one row per business key (partner, PO number): the duplicate guard
 * and the lifecycle's source of truth; orders.state is published from it through the outbox. And the
 * X12 control numbers of the 855s this service sends.
 */
export class CreateOrders1767500000000 implements MigrationInterface {
  readonly name = 'CreateOrders1767500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Unqualified: the connection's search_path is the service schema.
    await queryRunner.query(`
      CREATE TABLE orders (
        order_id               text        NOT NULL,
        partner_id             text        NOT NULL,
        po_number              text        NOT NULL,
        external_id            text        NOT NULL,
        status                 text        NOT NULL,
        version                bigint      NOT NULL,
        document_ids           text[]      NOT NULL,
        duplicate_document_ids text[]      NOT NULL DEFAULT '{}',
        format                 text        NOT NULL,
        interchange_ref        text,
        partner_order          jsonb       NOT NULL,
        canonical_order        jsonb,
        priced_lines           jsonb,
        pricelist_ref          text,
        lines                  jsonb       NOT NULL,
        problems               jsonb       NOT NULL DEFAULT '[]',
        customer_ref           text,
        currency               text,
        upsert_command_id      text,
        confirm_command_id     text,
        odoo_order_id          bigint,
        ack_outbound_id        text,
        ack_control_number     integer,
        received_at            timestamptz NOT NULL,
        acknowledged_at        timestamptz,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL,
        CONSTRAINT orders_pkey PRIMARY KEY (partner_id, po_number),
        CONSTRAINT orders_order_id_key UNIQUE (order_id),
        CONSTRAINT orders_external_id_key UNIQUE (external_id)
      )`);
    // ISA13/GS06 of our 855s. The gateway numbers its 997s from 1 in its own sequence; ours start in the
    // upper half so the two never hand a partner the same interchange control number.
    await queryRunner.query(
      'CREATE SEQUENCE x12_control_number MINVALUE 500000000 MAXVALUE 999999999 START 500000000 CYCLE',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP SEQUENCE x12_control_number');
    await queryRunner.query('DROP TABLE orders');
  }
}

/**
 * The open orders the metrics read at every scrape (`OrdersRepository.openOrders`): acknowledged orders,
 * nearly all rows in time, stay out of the index, so the read stays small as the table grows.
 */
export class IndexOpenOrders1767600000000 implements MigrationInterface {
  readonly name = 'IndexOpenOrders1767600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX orders_open ON orders (partner_id, status, received_at) WHERE status <> 'acknowledged'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX orders_open');
  }
}
