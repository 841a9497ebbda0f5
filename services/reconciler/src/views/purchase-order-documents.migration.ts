import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The purchase-order workflow's gateway leg: which supplier document (the gateway's tracking id) which
 * purchase order's trace names (purchasing.state `trace[].documentId`), as order_documents for orders.
 */
export class CreatePurchaseOrderDocuments1796300000006 implements MigrationInterface {
  readonly name = 'CreatePurchaseOrderDocuments1796300000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE purchase_order_documents (
        document_id       text NOT NULL,
        purchase_order_id text NOT NULL,
        CONSTRAINT purchase_order_documents_pkey PRIMARY KEY (document_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX purchase_order_documents_purchase_order_id ON purchase_order_documents (purchase_order_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE purchase_order_documents');
  }
}
