// Reconciliation of the ledger with Odoo's stock every INVENTORY_RECONCILE_EVERY (decision 0021): Odoo's
// internal quants are read with the read-only key, polled by write_date (plus the SKUs the ledger counted
// since the last run and those with a drift still open; everything on the first run), summed per SKU and
// warehouse and compared with the ledger. Each new drift is an ops.exceptions record (SKU, both values,
// likely cause); where the ledger carries the stock owner's count, Odoo is set to it through the
// odoo-writer (set_stock_level on the warehouse's stock location). All of it through the outbox. Odoo's
// webhook on stock.quant (stock-quant-event) runs the same comparison for the SKUs it names, at once.
import {
  CommandType,
  ExceptionKind,
  NO_COMMAND_BODY,
  type OdooCommand,
  type OpsException,
  TOPICS,
} from '@tradewind/contracts';
import { describeDrift, findStockDrifts, type OdooStock, type StockDrift } from '@tradewind/inventory-domain';
import type { StockReconciliationStore } from '@tradewind/inventory-store';
import { type OdooClient, type OdooStockQuant, readStockQuants } from '@tradewind/odoo-client';
import { type OutboxEnqueueRequest, type OutboxWriter, withTransaction } from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import { seededUuid } from '../seeded-uuid';

/** The ops.exceptions code of a stock drift (its cause is the detail's code). */
export const STOCK_DRIFT_CODE = 'STOCK_DRIFT';

export interface ReconciliationOptions {
  serviceName: string;
  /** The catalog's owner of stock on hand. */
  stockOwner: string;
  /** Correct Odoo where the platform carries the owner's count (INVENTORY_RECONCILE_CORRECT). */
  correct: boolean;
  /** SKUs per Odoo read. */
  batchSize?: number;
}

export interface ReconciliationRun {
  compared: number;
  drifts: StockDrift[];
  /** Drifts raised this run (a drift that stays is raised once). */
  reported: StockDrift[];
  corrections: OdooCommand[];
}

interface Warehouse {
  id: number;
  code: string;
  stockLocationId: number;
}

const id = (value: unknown): number | undefined =>
  Array.isArray(value) && typeof value[0] === 'number' ? value[0] : undefined;

/** Odoo's datetime, UTC, whole seconds. */
const odooDatetime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const odooTime = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export class OdooStockReconciliation {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly store: StockReconciliationStore,
    private readonly odoo: OdooClient,
    private readonly options: ReconciliationOptions,
  ) {}

  async run(now = new Date()): Promise<ReconciliationRun> {
    const manager = this.dataSource.manager;
    const cursor = await this.store.cursor(manager);
    // Which SKUs to compare: Odoo's writes since the cursor, the ledger's counts since the last run and the
    // drifts still open; on the first run every SKU either side knows.
    const changedInOdoo = await readStockQuants(
      this.odoo,
      cursor === undefined ? {} : { since: cursor.writeDate },
    );
    const skus = new Set(changedInOdoo.flatMap((q) => (q.sku === undefined ? [] : [q.sku])));
    const ledgerSkus =
      cursor === undefined
        ? (await this.store.ledgerStock(manager)).map((l) => l.sku)
        : await this.store.skusCountedSince(manager, cursor.runAt);
    for (const sku of [...ledgerSkus, ...(await this.store.skusWithOpenDrift(manager))]) skus.add(sku);
    const latestWrite = [...changedInOdoo.map((q) => q.writeDate), cursor?.writeDate ?? ''].sort().at(-1)!;
    return this.compare([...skus], now, async (tx) => {
      if (latestWrite !== '' || cursor === undefined)
        await this.store.saveCursor(tx, {
          writeDate: latestWrite === '' ? odooDatetime(0) : latestWrite,
          runAt: now,
        });
    });
  }

  /**
   * The comparison of some SKUs only, for an Odoo webhook that named them (stock-quant-event): the same
   * comparison as a run's, so a webhook and the poll cannot disagree, and a drift either finds is raised
   * once. The poll's cursor stays where it is: the next run compares these SKUs again, to the same outcome.
   */
  async reconcile(skus: readonly string[], now = new Date()): Promise<ReconciliationRun> {
    return this.compare(skus, now);
  }

  /** Reads the SKUs' quants, compares them with the ledger, raises each new drift (and its correction). */
  private async compare(
    skus: readonly string[],
    now: Date,
    alsoInTransaction?: (tx: EntityManager) => Promise<void>,
  ): Promise<ReconciliationRun> {
    const manager = this.dataSource.manager;
    const batch = this.options.batchSize ?? 200;
    const compared = [...new Set(skus)].sort();

    const quants: OdooStockQuant[] = [];
    for (const part of chunks(compared, batch))
      quants.push(...(await readStockQuants(this.odoo, { skus: part })));
    const ledger = compared.length === 0 ? [] : await this.store.ledgerStock(manager, compared);
    const drifts = findStockDrifts(ledger, sumPerWarehouse(quants), {
      stockOwner: this.options.stockOwner,
      correct: this.options.correct,
    });
    const warehouses = drifts.some((d) => d.correct) ? await this.warehouses() : new Map<string, Warehouse>();
    const products = await this.productIds(
      drifts.filter((d) => d.correct).map((d) => d.sku),
      quants,
    );

    const result: ReconciliationRun = { compared: compared.length, drifts, reported: [], corrections: [] };
    await withTransaction(
      this.dataSource,
      async (tx) => {
        result.reported = await this.store.newDrifts(tx, compared, drifts, now);
        result.corrections = [];
        const messages: OutboxEnqueueRequest[] = [];
        for (const drift of result.reported) {
          const level = ledger.find((l) => l.sku === drift.sku && l.warehouseId === drift.warehouseId);
          const command =
            drift.correct && level !== undefined
              ? this.correction(drift, level.version, warehouses, products, quants, now)
              : undefined;
          const corrected = command !== undefined;
          messages.push({
            topic: TOPICS.opsExceptions,
            key: drift.sku,
            value: this.exception({ ...drift, correct: corrected }, now),
          });
          if (command !== undefined) {
            result.corrections.push(command);
            messages.push({ topic: TOPICS.odooCommands, key: command.externalId, value: command });
          }
        }
        if (messages.length > 0) await this.outbox.enqueueAll(tx, messages);
        await alsoInTransaction?.(tx);
      },
      { maxAttempts: 5 },
    );
    return result;
  }

  /**
   * set_stock_level of the warehouse's stock location: the ledger's on hand less what Odoo holds in the
   * warehouse's other internal locations. Undefined (report only) when Odoo lacks the product or the
   * warehouse, or when those other locations already hold more than the count.
   */
  private correction(
    drift: StockDrift,
    ledgerVersion: number,
    warehouses: ReadonlyMap<string, Warehouse>,
    products: ReadonlyMap<string, number>,
    quants: readonly OdooStockQuant[],
    now: Date,
  ): OdooCommand | undefined {
    const warehouse = warehouses.get(drift.warehouseId);
    const product = products.get(drift.sku);
    if (warehouse === undefined || product === undefined || drift.ledgerOnHand === null) return undefined;
    const elsewhere = quants
      .filter(
        (q) =>
          q.sku === drift.sku &&
          q.warehouseCode === drift.warehouseId &&
          q.locationId !== warehouse.stockLocationId,
      )
      .reduce((n, q) => n + q.quantity, 0);
    const quantity = drift.ledgerOnHand - elsewhere;
    if (quantity < 0) return undefined;
    const externalId = `tradewind.quant_${drift.sku}_${drift.warehouseId}`
      .toLowerCase()
      .replace(/[^a-z0-9_.]/g, '_');
    return {
      commandId: seededUuid(
        `stock|${drift.sku}|${drift.warehouseId}|${ledgerVersion}|${drift.odooQuantity ?? 'none'}`,
      ),
      externalId,
      type: CommandType.SetStockLevel,
      issuedBy: this.options.serviceName,
      issuedAt: now.getTime(),
      ...NO_COMMAND_BODY,
      setStockLevel: {
        productRef: String(product),
        locationRef: String(warehouse.stockLocationId),
        quantity,
      },
    };
  }

  private exception(drift: StockDrift, now: Date): OpsException {
    return {
      exceptionId: seededUuid(
        `drift|${drift.sku}|${drift.warehouseId}|${drift.ledgerOnHand}|${drift.odooQuantity}|${now.getTime()}`,
      ),
      kind: ExceptionKind.Business,
      code: STOCK_DRIFT_CODE,
      message: describeDrift(drift),
      service: this.options.serviceName,
      // Raised by a reconciliation run, not by one consumed record.
      sourceTopic: TOPICS.inventoryStockEvents,
      sourcePartition: -1,
      sourceOffset: '',
      sourceKey: drift.sku,
      partnerId: this.options.stockOwner,
      correlationId: null,
      details: [
        {
          code: drift.cause,
          message: `ledger on hand ${drift.ledgerOnHand ?? 'none'}; Odoo quantity ${drift.odooQuantity ?? 'none'}, reserved ${drift.odooReserved ?? 'none'}; ${drift.correct ? 'corrected' : 'not corrected'}`,
          location: `stock.quant sku=${drift.sku} warehouse=${drift.warehouseId}`,
        },
      ],
      occurredAt: now.getTime(),
      workflow: 'inventory',
      documentType: null,
      businessKey: `${drift.warehouseId}/${drift.sku}`,
      documentId: null,
      documentVersion: null,
      record: null,
    };
  }

  private async warehouses(): Promise<Map<string, Warehouse>> {
    const rows = await this.odoo.searchRead('stock.warehouse', [], { fields: ['code', 'lot_stock_id'] });
    const out = new Map<string, Warehouse>();
    for (const row of rows) {
      const location = id(row.lot_stock_id);
      if (typeof row.code === 'string' && location !== undefined)
        out.set(row.code, { id: row.id, code: row.code, stockLocationId: location });
    }
    return out;
  }

  /** Odoo product ids of the SKUs: from the quants read, else by default_code. */
  private async productIds(
    skus: readonly string[],
    quants: readonly OdooStockQuant[],
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const q of quants) if (q.sku !== undefined) out.set(q.sku, q.productId);
    const missing = [...new Set(skus.filter((s) => !out.has(s)))];
    if (missing.length > 0) {
      const rows = await this.odoo.searchRead('product.product', [['default_code', 'in', missing]], {
        fields: ['default_code'],
      });
      for (const row of rows) if (typeof row.default_code === 'string') out.set(row.default_code, row.id);
    }
    return out;
  }
}

/** Odoo's quants summed per SKU and warehouse code (quants without either are not the ledger's). */
export function sumPerWarehouse(quants: readonly OdooStockQuant[]): OdooStock[] {
  const by = new Map<string, OdooStock>();
  for (const q of quants) {
    if (q.sku === undefined || q.warehouseCode === undefined) continue;
    const key = `${q.sku}|${q.warehouseCode}`;
    const seen = by.get(key);
    const writtenAt = odooTime(q.writeDate);
    by.set(key, {
      sku: q.sku,
      warehouseId: q.warehouseCode,
      quantity: (seen?.quantity ?? 0) + q.quantity,
      reservedQuantity: (seen?.reservedQuantity ?? 0) + q.reservedQuantity,
      writtenAt: Math.max(seen?.writtenAt ?? 0, writtenAt),
    });
  }
  return [...by.values()];
}
