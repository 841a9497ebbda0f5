import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The third leg: the documents the gateway accepted (ingress.documents), the acknowledgements sent for
 * them (partners.outbound, by relatesTo), and which order names which document (orders.state).
 */
export class CreateGatewayLeg1796300000002 implements MigrationInterface {
  readonly name = 'CreateGatewayLeg1796300000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway_documents (
        document_id   text        NOT NULL,
        partner_id    text        NOT NULL,
        document_type text        NOT NULL,
        business_ref  text,
        received_at   timestamptz NOT NULL,
        CONSTRAINT gateway_documents_pkey PRIMARY KEY (document_id)
      )`);
    await queryRunner.query('CREATE INDEX gateway_documents_received_at ON gateway_documents (received_at)');
    await queryRunner.query(`
      CREATE TABLE document_acknowledgements (
        document_id  text        NOT NULL,
        outbound_id  text        NOT NULL,
        sent_at      timestamptz NOT NULL,
        CONSTRAINT document_acknowledgements_pkey PRIMARY KEY (document_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE order_documents (
        document_id text NOT NULL,
        order_id    text NOT NULL,
        CONSTRAINT order_documents_pkey PRIMARY KEY (document_id)
      )`);
    await queryRunner.query('CREATE INDEX order_documents_order_id ON order_documents (order_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE order_documents');
    await queryRunner.query('DROP TABLE document_acknowledgements');
    await queryRunner.query('DROP TABLE gateway_documents');
  }
}
