import type { MigrationInterface, QueryRunner } from 'typeorm';

import { schemaOf } from '../data-source.factory';

export const INBOX_TABLE = 'inbox_message';

/** Message ids each consumer group has processed, for idempotent consumers. */
export class CreateInboxMessage1767225600001 implements MigrationInterface {
  readonly name = 'CreateInboxMessage1767225600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource);
    // message_id is text, not uuid: ids also come from producers without an outbox (tracking ids,
    // external ids).
    await queryRunner.query(`
      CREATE TABLE "${schema}".${INBOX_TABLE} (
        consumer_group text        NOT NULL,
        message_id     text        NOT NULL,
        processed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, message_id)
      )`);
    // BRIN: rows arrive in processed_at order, and the only reader is the retention purge.
    await queryRunner.query(
      `CREATE INDEX ${INBOX_TABLE}_processed_at_idx ON "${schema}".${INBOX_TABLE} USING brin (processed_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource);
    await queryRunner.query(`DROP TABLE "${schema}".${INBOX_TABLE}`);
  }
}
