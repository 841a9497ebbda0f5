import { schemaOf } from '@tradewind/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The latest purchasing.state of each purchase order, for the supplier's view of its orders. */
export class PurchaseOrderStates1767600000000 implements MigrationInterface {
  readonly name = 'PurchaseOrderStates1767600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner.dataSource)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.purchase_order_state (
        purchase_order_id text        PRIMARY KEY,
        supplier_id       text        NOT NULL,
        po_number         text        NOT NULL,
        updated_at        timestamptz NOT NULL,
        state             jsonb       NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX purchase_order_state_supplier_po ON ${s}.purchase_order_state (supplier_id, po_number)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner.dataSource)}".purchase_order_state`);
  }
}
