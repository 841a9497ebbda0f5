import { schemaOf } from '@tradewind/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's tables: used nonces, idempotency keys with their responses, the transaction index
 * (uploads = batches, one transaction per order), the order states and partner acknowledgements it learns
 * from orders.state and partners.outbound, and the X12 control number sequence.
 */
export class CreateGatewayTables1767400000000 implements MigrationInterface {
  readonly name = 'CreateGatewayTables1767400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner.dataSource)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.gateway_nonce (
        partner_id text        NOT NULL,
        nonce      text        NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (partner_id, nonce)
      )`);
    await queryRunner.query(`CREATE INDEX gateway_nonce_expires_idx ON ${s}.gateway_nonce (expires_at)`);

    // A key is the partner's: two partners may pick the same one.
    await queryRunner.query(`
      CREATE TABLE ${s}.gateway_idempotency (
        partner_id       text        NOT NULL,
        idempotency_key  text        NOT NULL,
        request_hash     text        NOT NULL,
        state            text        NOT NULL CHECK (state IN ('in-progress', 'completed')),
        response_status  integer,
        response_headers jsonb,
        response_body    jsonb,
        created_at       timestamptz NOT NULL DEFAULT now(),
        expires_at       timestamptz NOT NULL,
        PRIMARY KEY (partner_id, idempotency_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX gateway_idempotency_expires_idx ON ${s}.gateway_idempotency (expires_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE ${s}.ingress_batch (
        batch_id        text        PRIMARY KEY,
        partner_id      text        NOT NULL,
        principal       text        NOT NULL,
        document_type   text        NOT NULL,
        format          text        NOT NULL,
        content_type    text        NOT NULL,
        received_at     timestamptz NOT NULL,
        sha256          text        NOT NULL,
        size_bytes      integer     NOT NULL,
        outcome         text        NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'publish-failed')),
        document_count  integer     NOT NULL,
        problems        jsonb,
        idempotency_key text
      )`);
    await queryRunner.query(
      `CREATE INDEX ingress_batch_partner_idx ON ${s}.ingress_batch (partner_id, received_at DESC)`,
    );

    // tracking_id is text: SalesOrderState.documentIds may name documents of other channels too.
    await queryRunner.query(`
      CREATE TABLE ${s}.ingress_transaction (
        tracking_id       text        PRIMARY KEY,
        batch_id          text        NOT NULL REFERENCES ${s}.ingress_batch (batch_id),
        batch_index       integer     NOT NULL,
        partner_id        text        NOT NULL,
        document_type     text        NOT NULL,
        format            text        NOT NULL,
        business_ref      text,
        interchange_ref   text,
        received_at       timestamptz NOT NULL,
        sha256            text        NOT NULL,
        size_bytes        integer     NOT NULL,
        status            text        NOT NULL,
        status_version    bigint,
        status_updated_at timestamptz,
        order_id          text,
        rejection_reasons jsonb       NOT NULL DEFAULT '[]'
      )`);
    await queryRunner.query(
      `CREATE INDEX ingress_transaction_batch_idx ON ${s}.ingress_transaction (batch_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ingress_transaction_ref_idx ON ${s}.ingress_transaction (partner_id, document_type, business_ref)`,
    );

    // Every version seen of every order: the lifecycle of a transaction is the history of its orders.
    await queryRunner.query(`
      CREATE TABLE ${s}.order_state_history (
        order_id          text        NOT NULL,
        version           bigint      NOT NULL,
        partner_id        text        NOT NULL,
        status            text        NOT NULL,
        document_ids      text[]      NOT NULL,
        duplicate_ids     text[]      NOT NULL DEFAULT '{}',
        rejection_reasons jsonb       NOT NULL,
        updated_at        timestamptz NOT NULL,
        PRIMARY KEY (order_id, version)
      )`);
    await queryRunner.query(
      `CREATE INDEX order_state_history_documents_idx ON ${s}.order_state_history USING gin (document_ids)`,
    );

    await queryRunner.query(`
      CREATE TABLE ${s}.partner_acknowledgement (
        outbound_id   text        PRIMARY KEY,
        partner_id    text        NOT NULL,
        document_type text        NOT NULL,
        format        text        NOT NULL,
        content_type  text        NOT NULL,
        relates_to    text[]      NOT NULL,
        payload       bytea       NOT NULL,
        created_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX partner_acknowledgement_relates_idx ON ${s}.partner_acknowledgement USING gin (relates_to)`,
    );

    // ISA13/GS06 of the acknowledgements the gateway sends (X12 allows 1..999999999).
    await queryRunner.query(`CREATE SEQUENCE ${s}.x12_control_number MINVALUE 1 MAXVALUE 999999999 CYCLE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner.dataSource)}"`;
    await queryRunner.query(`DROP SEQUENCE ${s}.x12_control_number`);
    for (const table of [
      'partner_acknowledgement',
      'order_state_history',
      'ingress_transaction',
      'ingress_batch',
      'gateway_idempotency',
      'gateway_nonce',
    ]) {
      await queryRunner.query(`DROP TABLE ${s}.${table}`);
    }
  }
}
