import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation with Odoo and channel stock feeds (decision 0021):
 * - `stock_drifts`: the drift last reported per SKU and warehouse, so a drift that stays is raised once
 *   (again only when a value or the cause changes), and the pair's row goes when the two sides agree.
 * - `odoo_stock_cursor`: the latest quant write_date seen (Odoo is polled by write_date).
 * - `channel_feed_positions`: per channel and SKU, the quantity wanted now (written in the transaction
 *   that changed the stock, so every change coalesces into one row) and the last one published (the
 *   compare-and-set value of the next push). A row whose wanted differs from published is due.
 * - `channel_feed_documents`: the items of each published feed document; partner-delivery's outcome for it
 *   (partners.delivery-results) makes them `acknowledged`, or, when it gives up, due again.
 * - `channel_feed_runs`: when each channel's feed was last published, for its rate.
 */
export class CreateInventoryReconciliation1768100000000 implements MigrationInterface {
  readonly name = 'CreateInventoryReconciliation1768100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stock_drifts (
        sku            text        NOT NULL,
        warehouse_id   text        NOT NULL,
        ledger_on_hand bigint,
        odoo_quantity  numeric,
        cause          text        NOT NULL,
        reported_at    timestamptz NOT NULL,
        CONSTRAINT stock_drifts_pkey PRIMARY KEY (sku, warehouse_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE odoo_stock_cursor (
        name        text PRIMARY KEY,
        write_date  text        NOT NULL,
        run_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE channel_feed_positions (
        channel_id          text        NOT NULL,
        sku                 text        NOT NULL,
        wanted              bigint      NOT NULL,
        wanted_sequence     bigint      NOT NULL,
        wanted_at           timestamptz NOT NULL,
        published           bigint,
        published_sequence  bigint,
        published_at        timestamptz,
        acknowledged          bigint,
        acknowledged_sequence bigint,
        CONSTRAINT channel_feed_positions_pkey PRIMARY KEY (channel_id, sku),
        CONSTRAINT channel_feed_positions_quantities CHECK (wanted >= 0 AND (published IS NULL OR published >= 0))
      )`);
    await queryRunner.query(
      `CREATE INDEX channel_feed_positions_due ON channel_feed_positions (channel_id, wanted_at)
         WHERE published IS DISTINCT FROM wanted`,
    );
    // What each published feed document carried, so partner-delivery's outcome for it can be applied.
    await queryRunner.query(`
      CREATE TABLE channel_feed_documents (
        outbound_id   text        PRIMARY KEY,
        channel_id    text        NOT NULL,
        items         jsonb       NOT NULL,
        published_at  timestamptz NOT NULL,
        outcome       text
      )`);
    await queryRunner.query(`
      CREATE TABLE channel_feed_runs (
        channel_id    text PRIMARY KEY,
        published_at  timestamptz NOT NULL,
        documents     bigint      NOT NULL DEFAULT 0
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE channel_feed_runs');
    await queryRunner.query('DROP TABLE channel_feed_documents');
    await queryRunner.query('DROP TABLE channel_feed_positions');
    await queryRunner.query('DROP TABLE odoo_stock_cursor');
    await queryRunner.query('DROP TABLE stock_drifts');
  }
}
