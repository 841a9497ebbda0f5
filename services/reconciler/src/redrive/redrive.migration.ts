import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Governed re-drives: one row per re-drive (its window, status and counts) and one per command it sent,
 * with Odoo's answer from odoo.results (any replica's consumer may record it).
 */
export class CreateRedrives1796300000000 implements MigrationInterface {
  readonly name = 'CreateRedrives1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE redrives (
        redrive_id   uuid        NOT NULL,
        window_start timestamptz NOT NULL,
        partner_id   text,
        status       text        NOT NULL,
        detail       text,
        planned      integer     NOT NULL,
        for_person   integer     NOT NULL,
        deferred     integer     NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT redrives_pkey PRIMARY KEY (redrive_id)
      )`);
    await queryRunner.query('CREATE INDEX redrives_created_at ON redrives (created_at)');
    await queryRunner.query(`
      CREATE TABLE redrive_commands (
        command_id   text        NOT NULL,
        redrive_id   uuid        NOT NULL REFERENCES redrives (redrive_id) ON DELETE CASCADE,
        order_id     text        NOT NULL,
        class        text        NOT NULL,
        command_type text        NOT NULL,
        canary       boolean     NOT NULL,
        sent_at      timestamptz,
        outcome      text,
        error        text,
        completed_at timestamptz,
        CONSTRAINT redrive_commands_pkey PRIMARY KEY (command_id)
      )`);
    await queryRunner.query('CREATE INDEX redrive_commands_redrive ON redrive_commands (redrive_id)');
    await queryRunner.query(
      'CREATE INDEX reconciliation_runs_computed_at ON reconciliation_runs (computed_at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX reconciliation_runs_computed_at');
    await queryRunner.query('DROP TABLE redrive_commands');
    await queryRunner.query('DROP TABLE redrives');
  }
}
