import { schemaOf } from '@tradewind/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Proof-of-delivery documents (claim check of tracking events) and who may read each. */
export class ProofDocuments1767600000000 implements MigrationInterface {
  readonly name = 'ProofDocuments1767600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner.dataSource)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.proof_document (
        sha256       text        PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content_type text        NOT NULL,
        size_bytes   integer     NOT NULL CHECK (size_bytes > 0),
        bytes        bytea       NOT NULL,
        sender_id    text        NOT NULL,
        received_at  timestamptz NOT NULL,
        CHECK (octet_length(bytes) = size_bytes)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.proof_reader (
        sha256     text NOT NULL REFERENCES ${s}.proof_document (sha256) ON DELETE CASCADE,
        partner_id text NOT NULL,
        PRIMARY KEY (sha256, partner_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner.dataSource)}"`;
    await queryRunner.query(`DROP TABLE ${s}.proof_reader`);
    await queryRunner.query(`DROP TABLE ${s}.proof_document`);
  }
}
