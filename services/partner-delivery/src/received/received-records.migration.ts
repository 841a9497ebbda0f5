import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The records partner-delivery has seen, one row per message id (the handler's duplicate guard). */
export class CreateReceivedRecords1796132686258 implements MigrationInterface {
  readonly name = 'CreateReceivedRecords1796132686258';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Unqualified: the connection's search_path is the service schema.
    await queryRunner.query(`
      CREATE TABLE received_records (
        message_id  text        NOT NULL,
        topic       text        NOT NULL,
        record_key  text,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT received_records_pkey PRIMARY KEY (message_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE received_records');
  }
}
