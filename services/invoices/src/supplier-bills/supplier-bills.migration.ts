import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supplier invoices the service decided (one row per supplier and invoice number: a number sent twice
 * is recognised), and the order line quantities its bills ask Odoo for (counted as billed until Odoo
 * shows them, so two invoices in a row never bill the same received goods twice).
 */
export class CreateSupplierBillTables1796150000000 implements MigrationInterface {
  readonly name = 'CreateSupplierBillTables1796150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE supplier_invoices (
        partner_id      text        NOT NULL,
        invoice_number  text        NOT NULL,
        message_id      text        NOT NULL,
        document_id     text        NOT NULL,
        po_number       text        NOT NULL,
        decision        text        NOT NULL,
        bill_xid        text,
        differences     jsonb       NOT NULL DEFAULT '[]',
        received_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (partner_id, invoice_number)
      )`);
    await queryRunner.query(`
      CREATE TABLE bill_lines (
        bill_xid          text             NOT NULL,
        purchase_line_id  integer          NOT NULL,
        quantity          double precision NOT NULL,
        refused           boolean          NOT NULL DEFAULT false,
        PRIMARY KEY (bill_xid, purchase_line_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX bill_lines_purchase_line ON bill_lines (purchase_line_id) WHERE NOT refused',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE bill_lines');
    await queryRunner.query('DROP TABLE supplier_invoices');
  }
}

/**
 * What finance.state tells of each supplier invoice: its amount and currency (a refused or posted state
 * repeats them), when the odoo-writer posted its bill, and the documents that sent a number again (each
 * one duplicate state, however often Kafka delivers it).
 */
export class AddSupplierInvoiceStates1796160000000 implements MigrationInterface {
  readonly name = 'AddSupplierInvoiceStates1796160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE supplier_invoices
        ADD COLUMN amount_minor bigint,
        ADD COLUMN currency     text,
        ADD COLUMN posted_at    timestamptz`);
    await queryRunner.query(`
      CREATE TABLE supplier_invoice_duplicates (
        partner_id      text        NOT NULL,
        invoice_number  text        NOT NULL,
        document_id     text        NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (partner_id, invoice_number, document_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE supplier_invoice_duplicates');
    await queryRunner.query(
      'ALTER TABLE supplier_invoices DROP COLUMN amount_minor, DROP COLUMN currency, DROP COLUMN posted_at',
    );
  }
}
