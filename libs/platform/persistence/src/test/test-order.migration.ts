import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A business table for tests, created unqualified: the connection's search_path puts it in the schema. */
export class CreateTestOrder1767225700000 implements MigrationInterface {
  readonly name = 'CreateTestOrder1767225700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE test_order (id text PRIMARY KEY, status text NOT NULL)');
    // What a consumer under test records for every message it processes (no uniqueness on purpose:
    // exactly-once must come from the inbox, not from a constraint here).
    await queryRunner.query(`
      CREATE TABLE received_message (
        arrival     bigserial PRIMARY KEY,
        message_id  text   NOT NULL,
        key         text   NOT NULL,
        seq         int    NOT NULL,
        kafka_partition int NOT NULL,
        kafka_offset    bigint NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE received_message');
    await queryRunner.query('DROP TABLE test_order');
  }
}
