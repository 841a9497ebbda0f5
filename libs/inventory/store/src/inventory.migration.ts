import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stock ledger and the reservations (issue 9). Overselling is refused by the database itself, not
 * only by the code that computes a reservation:
 * - `stock_levels_covered` (a trigger): `reserved` may rise only within what stock covers (on hand − safety
 *   stock). A plain CHECK cannot say it: the WMS owns on hand, so a recount below what is reserved is
 *   applied, never refused, and leaves the row short until releases or stock catch up; what the rule
 *   forbids is promising more while it is short. Any statement that raises `reserved` beyond cover fails
 *   with SQLSTATE 23514 (check_violation), whatever the code that issued it.
 * - `reservation_lines_pkey` (order, line): a line is decided once, whatever the redeliveries.
 */
export class CreateInventory1768000000000 implements MigrationInterface {
  readonly name = 'CreateInventory1768000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Unqualified: the connection's search_path is the service schema.
    await queryRunner.query(`
      CREATE TABLE stock_levels (
        sku             text        NOT NULL,
        warehouse_id    text        NOT NULL,
        on_hand         bigint      NOT NULL DEFAULT 0,
        reserved        bigint      NOT NULL DEFAULT 0,
        safety_stock    bigint      NOT NULL DEFAULT 0,
        last_event_time timestamptz,
        last_event_seq  bigint,
        last_event_id   text,
        stale_events    bigint      NOT NULL DEFAULT 0,
        version         bigint      NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stock_levels_pkey PRIMARY KEY (sku, warehouse_id),
        CONSTRAINT stock_levels_quantities CHECK (on_hand >= 0 AND reserved >= 0 AND safety_stock >= 0)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION stock_levels_refuse_oversell() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.reserved > greatest(NEW.on_hand - NEW.safety_stock, 0)
           AND (TG_OP = 'INSERT' OR NEW.reserved > OLD.reserved) THEN
          RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_levels_covered',
            MESSAGE = format('reserving %s of %s in %s: only %s on hand, %s safety stock', NEW.reserved,
                             NEW.sku, NEW.warehouse_id, NEW.on_hand, NEW.safety_stock);
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER stock_levels_covered BEFORE INSERT OR UPDATE ON stock_levels
        FOR EACH ROW EXECUTE FUNCTION stock_levels_refuse_oversell()`);
    // Every stock event seen: the duplicate guard (event id per source) and the record of stale ones.
    await queryRunner.query(`
      CREATE TABLE stock_events (
        event_id      text        NOT NULL,
        sku           text        NOT NULL,
        warehouse_id  text        NOT NULL,
        on_hand       bigint      NOT NULL,
        event_time    timestamptz NOT NULL,
        sequence      bigint,
        verdict       text        NOT NULL,
        source        text        NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stock_events_pkey PRIMARY KEY (source, event_id),
        CONSTRAINT stock_events_verdict CHECK (verdict IN ('applied', 'stale'))
      )`);
    await queryRunner.query(
      'CREATE INDEX stock_events_level ON stock_events (sku, warehouse_id, event_time)',
    );
    // One row per order: its lock serializes the requests of one order's SKUs, and a release that arrives
    // before a request leaves its reason here so the request reserves nothing.
    await queryRunner.query(`
      CREATE TABLE reservation_orders (
        order_id        text        NOT NULL,
        partner_id      text,
        line_count      integer,
        released_reason text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reservation_orders_pkey PRIMARY KEY (order_id),
        CONSTRAINT reservation_orders_line_count CHECK (line_count > 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE reservation_lines (
        order_id      text        NOT NULL REFERENCES reservation_orders (order_id),
        line_no       integer     NOT NULL,
        request_id    text        NOT NULL,
        sku           text        NOT NULL,
        warehouse_id  text,
        requested     bigint      NOT NULL,
        reserved      bigint      NOT NULL,
        backordered   bigint      NOT NULL,
        outcome       text        NOT NULL,
        status        text        NOT NULL,
        expires_at    timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reservation_lines_pkey PRIMARY KEY (order_id, line_no),
        CONSTRAINT reservation_lines_quantities CHECK (requested > 0 AND reserved >= 0 AND backordered >= 0
          AND reserved + backordered <= requested),
        CONSTRAINT reservation_lines_outcome CHECK (outcome IN ('reserved', 'insufficient_stock', 'backordered')),
        CONSTRAINT reservation_lines_status CHECK (status IN ('held', 'none', 'released', 'consumed', 'expired')),
        CONSTRAINT reservation_lines_held_somewhere CHECK (reserved = 0 OR warehouse_id IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX reservation_lines_expiry ON reservation_lines (expires_at) WHERE status = 'held' AND expires_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE reservation_lines');
    await queryRunner.query('DROP TABLE reservation_orders');
    await queryRunner.query('DROP TABLE stock_events');
    await queryRunner.query('DROP TABLE stock_levels');
    await queryRunner.query('DROP FUNCTION stock_levels_refuse_oversell()');
  }
}
