import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The invoices service's tables: its copy of Odoo's customer invoices (polled by write_date), the
 * settlement documents and entries it decided, the allocations it asked Odoo to pay, and the export
 * send ledger (one row per invoice version sent).
 */
export class CreateInvoicesTables1796140000000 implements MigrationInterface {
  readonly name = 'CreateInvoicesTables1796140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE invoice_book (
        odoo_id            integer     PRIMARY KEY,
        name               text        NOT NULL,
        payment_reference  text,
        move_type          text        NOT NULL,
        state              text        NOT NULL,
        payment_state      text        NOT NULL,
        partner_odoo_id    integer     NOT NULL,
        partner_name       text        NOT NULL,
        partner_ref        text,
        currency           text        NOT NULL,
        untaxed_minor      bigint      NOT NULL,
        tax_minor          bigint      NOT NULL,
        total_minor        bigint      NOT NULL,
        residual_minor     bigint      NOT NULL,
        invoice_date       date,
        due_date           date,
        reversed_entry     text,
        lines              jsonb       NOT NULL DEFAULT '[]',
        odoo_write_date    text        NOT NULL,
        version_hash       text        NOT NULL,
        synced_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX invoice_book_open ON invoice_book (currency) WHERE state = 'posted' AND residual_minor > 0`,
    );
    await queryRunner.query(`
      CREATE TABLE poll_cursor (
        name        text    PRIMARY KEY,
        write_date  text    NOT NULL,
        last_id     integer NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE settlement_documents (
        partner_id   text        NOT NULL,
        document_id  text        NOT NULL,
        message_id   text        NOT NULL,
        document_type text       NOT NULL,
        entries      integer     NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (partner_id, document_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE settlement_entries (
        partner_id    text        NOT NULL,
        document_id   text        NOT NULL,
        entry_id      text        NOT NULL,
        decision      text        NOT NULL,
        rule          text,
        confidence    double precision,
        amount_minor  bigint      NOT NULL,
        currency      text        NOT NULL,
        booking_date  date        NOT NULL,
        payment_xid   text,
        reason        text,
        invoices      jsonb       NOT NULL DEFAULT '[]',
        decided_at    timestamptz NOT NULL DEFAULT now(),
        resolved_at   timestamptz,
        PRIMARY KEY (partner_id, document_id, entry_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX settlement_entries_open ON settlement_entries (booking_date)
         WHERE decision IN ('unmatched', 'ambiguous') AND resolved_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE payment_allocations (
        payment_xid     text    NOT NULL,
        invoice_odoo_id integer NOT NULL,
        amount_minor    bigint  NOT NULL,
        writeoff_minor  bigint  NOT NULL DEFAULT 0,
        refused         boolean NOT NULL DEFAULT false,
        PRIMARY KEY (payment_xid, invoice_odoo_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX payment_allocations_invoice ON payment_allocations (invoice_odoo_id) WHERE NOT refused`,
    );
    await queryRunner.query(`
      CREATE TABLE export_ledger (
        invoice_odoo_id integer     NOT NULL,
        version_hash    text        NOT NULL,
        partner_id      text        NOT NULL,
        window_start    timestamptz NOT NULL,
        outcome         text        NOT NULL,
        reason          text,
        decided_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (invoice_odoo_id, version_hash)
      )`);
    // ISA13 / GS06 of the 810s: one number per interchange sent
    await queryRunner.query('CREATE SEQUENCE x12_control_number MINVALUE 1 MAXVALUE 999999999 CYCLE');
    await queryRunner.query(`
      CREATE TABLE export_windows (
        partner_id    text        NOT NULL,
        window_start  timestamptz NOT NULL,
        started_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz,
        sent          integer     NOT NULL DEFAULT 0,
        blocked       integer     NOT NULL DEFAULT 0,
        PRIMARY KEY (partner_id, window_start)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP SEQUENCE x12_control_number');
    for (const table of [
      'export_windows',
      'export_ledger',
      'payment_allocations',
      'settlement_entries',
      'settlement_documents',
      'poll_cursor',
      'invoice_book',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
