import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consumption on ship (decision 0025). A shipped line's units leave the reservation, but the WMS owns on
 * hand and lowers it only with its next count; until a count with an event time at or after the
 * consumption arrives, the units are `shipped_uncounted` and still count against availability:
 * - `stock_levels.shipped_uncounted` (the sum of that SKU and warehouse's uncounted consumptions), and
 *   `stock_levels_covered` now refuses raising `reserved` beyond on hand − safety stock − shipped uncounted;
 * - `reservation_lines.consumed`: the units of the line that shipped (a partial shipment consumes part);
 * - `reservation_shipments` (order, shipment): an order is consumed once per shipment, whatever redelivers;
 * - `stock_consumptions` (order, line, shipment): what each shipment took from each line, and when a WMS
 *   count covered it (`counted_at`).
 */
export class CreateInventoryConsumption1768200000000 implements MigrationInterface {
  readonly name = 'CreateInventoryConsumption1768200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE stock_levels ADD COLUMN shipped_uncounted bigint NOT NULL DEFAULT 0,
        ADD CONSTRAINT stock_levels_shipped_uncounted CHECK (shipped_uncounted >= 0)`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION stock_levels_refuse_oversell() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.reserved + NEW.shipped_uncounted > greatest(NEW.on_hand - NEW.safety_stock, 0)
           AND (TG_OP = 'INSERT' OR NEW.reserved > OLD.reserved) THEN
          RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_levels_covered',
            MESSAGE = format('reserving %s of %s in %s: only %s on hand, %s safety stock, %s shipped but not yet counted',
                             NEW.reserved, NEW.sku, NEW.warehouse_id, NEW.on_hand, NEW.safety_stock,
                             NEW.shipped_uncounted);
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      ALTER TABLE reservation_lines ADD COLUMN consumed bigint NOT NULL DEFAULT 0,
        ADD CONSTRAINT reservation_lines_consumed CHECK (consumed >= 0 AND consumed <= reserved)`);
    await queryRunner.query(`
      CREATE TABLE reservation_shipments (
        order_id     text        NOT NULL REFERENCES reservation_orders (order_id),
        shipment_id  text        NOT NULL,
        consumed_at  timestamptz NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reservation_shipments_pkey PRIMARY KEY (order_id, shipment_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE stock_consumptions (
        order_id     text        NOT NULL,
        line_no      integer     NOT NULL,
        shipment_id  text        NOT NULL,
        sku          text        NOT NULL,
        warehouse_id text        NOT NULL,
        quantity     bigint      NOT NULL CHECK (quantity > 0),
        consumed_at  timestamptz NOT NULL,
        counted_at   timestamptz,
        CONSTRAINT stock_consumptions_pkey PRIMARY KEY (order_id, line_no, shipment_id),
        CONSTRAINT stock_consumptions_line FOREIGN KEY (order_id, line_no)
          REFERENCES reservation_lines (order_id, line_no)
      )`);
    // A cancellation seen in Odoo names the order by its PO (the order id after `<partner>/`).
    await queryRunner.query(
      `CREATE INDEX reservation_orders_po_number ON reservation_orders ((substr(order_id, length(partner_id) + 2)))
         WHERE partner_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX stock_consumptions_uncounted ON stock_consumptions (sku, warehouse_id, consumed_at)
         WHERE counted_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX reservation_orders_po_number');
    await queryRunner.query('DROP TABLE stock_consumptions');
    await queryRunner.query('DROP TABLE reservation_shipments');
    await queryRunner.query('ALTER TABLE reservation_lines DROP COLUMN consumed');
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION stock_levels_refuse_oversell() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.reserved > greatest(NEW.on_hand - NEW.safety_stock, 0)
           AND (TG_OP = 'INSERT' OR NEW.reserved > OLD.reserved) THEN
          RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_levels_covered',
            MESSAGE = format('reserving %s of %s in %s: only %s on hand, %s safety stock', NEW.reserved,
                             NEW.sku, NEW.warehouse_id, NEW.on_hand, NEW.safety_stock);
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query('ALTER TABLE stock_levels DROP COLUMN shipped_uncounted');
  }
}
