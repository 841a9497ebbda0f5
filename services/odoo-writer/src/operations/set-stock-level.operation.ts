import type { SetStockLevelCommand } from '../commands/set-stock-level.command';
import { loadIsolating, type LoadSettlement } from '../odoo/load-isolation';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { many2oneId, numberCell } from '../odoo/odoo-values';
import { resolveRefs } from '../odoo/ref-resolver';
import type { Settled } from '../resilience/micro-batcher';
import { missing } from './record-actions';
import { alreadyDone, refused, type WriteOperation, type WriteOutcome, written } from './write-operation';

export const STOCK_QUANT = 'stock.quant';
const PRODUCT = 'product.product';
const LOCATION = 'stock.location';

interface Target {
  index: number;
  product: number;
  location: number;
}

/**
 * An absolute quantity is idempotent by nature; the quant is found by its natural key (product,
 * location), so a quant Odoo already has (seeded, or made by a move) is updated rather than doubled.
 * Existing quants are loaded by database id (`.id`), new ones by the command's external id (`id`): two
 * loads, because Odoo's import refuses an empty `.id` cell.
 */
export class SetStockLevelOperation implements WriteOperation<SetStockLevelCommand> {
  batchKey(): string {
    return STOCK_QUANT;
  }

  async run(commands: readonly SetStockLevelCommand[], odoo: OdooGateway): Promise<Settled<WriteOutcome>[]> {
    const products = await resolveRefs(
      odoo,
      PRODUCT,
      commands.map((c) => c.product),
    );
    const locations = await resolveRefs(
      odoo,
      LOCATION,
      commands.map((c) => c.location),
    );
    const results: (Settled<WriteOutcome> | undefined)[] = commands.map(() => undefined);
    const targets: Target[] = [];
    commands.forEach((command, index) => {
      const product = products.get(command.product.text)?.id;
      const location = locations.get(command.location.text)?.id;
      if (product === undefined) results[index] = refused(missing('product', command.product.text));
      else if (location === undefined)
        results[index] = refused(missing('stock location', command.location.text));
      else targets.push({ index, product, location });
    });
    // Two commands on one quant in a batch (different keys, so unordered anyway) go in successive rounds.
    for (let round = targets; round.length > 0;) {
      const seen = new Set<string>();
      const now: Target[] = [];
      const later: Target[] = [];
      for (const target of round) {
        const key = `${target.product}/${target.location}`;
        (seen.has(key) ? later : now).push(target);
        seen.add(key);
      }
      await this.write(commands, now, odoo, results);
      round = later;
    }
    return results.map(
      (settled) => settled ?? refused(new Error('unreachable: every stock level is settled')),
    );
  }

  private async write(
    commands: readonly SetStockLevelCommand[],
    targets: readonly Target[],
    odoo: OdooGateway,
    results: (Settled<WriteOutcome> | undefined)[],
  ): Promise<void> {
    if (targets.length === 0) return;
    const quants = await odoo.searchRead(
      STOCK_QUANT,
      [
        ['product_id', 'in', [...new Set(targets.map((t) => t.product))]],
        ['location_id', 'in', [...new Set(targets.map((t) => t.location))]],
      ],
      ['product_id', 'location_id', 'quantity'],
    );
    const quantOf = (t: Target) =>
      quants.find((q) => many2oneId(q.product_id) === t.product && many2oneId(q.location_id) === t.location);
    const updates: { target: Target; id: number }[] = [];
    const creates: Target[] = [];
    for (const target of targets) {
      const quant = quantOf(target);
      const wanted = commands[target.index].body.quantity;
      if (quant && Number(quant.quantity) === wanted)
        results[target.index] = alreadyDone(STOCK_QUANT, quant.id);
      else if (quant) updates.push({ target, id: quant.id });
      else creates.push(target);
    }
    const settle = (list: readonly Target[], settled: LoadSettlement[]) =>
      settled.forEach((s, position) => {
        results[list[position].index] = s.ok ? written(STOCK_QUANT, s.id) : refused(s.error);
      });
    if (updates.length > 0) {
      const settled = await loadIsolating(
        odoo,
        STOCK_QUANT,
        ['.id', 'quantity'],
        updates.map(({ target, id }) => ({
          rows: [[String(id), numberCell(commands[target.index].body.quantity)]],
        })),
      );
      settle(
        updates.map((u) => u.target),
        settled,
      );
    }
    if (creates.length > 0) {
      const settled = await loadIsolating(
        odoo,
        STOCK_QUANT,
        ['id', 'product_id/.id', 'location_id/.id', 'quantity'],
        creates.map((t) => ({
          rows: [
            [
              commands[t.index].externalId,
              String(t.product),
              String(t.location),
              numberCell(commands[t.index].body.quantity),
            ],
          ],
        })),
      );
      settle(creates, settled);
    }
  }
}
