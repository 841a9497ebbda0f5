// What tests inspect: raw rows, Odoo-formatted reads (as superuser) and counts by external id.
import type { Row } from './orm/model.types';
import type { SimulatedDatabase } from './simulated-database';

export interface ExternalIdEntry {
  externalId: string;
  model: string;
  resId: number;
}

export class SimulatorStore {
  constructor(private readonly db: SimulatedDatabase) {}

  /** Stored rows of a model (copies; many2one as ids, one2many not included). */
  rows(model: string): Row[] {
    return this.db.rows(model);
  }

  count(model: string): number {
    return this.db.store.count(model);
  }

  /** Records as `read()` returns them, all fields unless given; every record when ids are omitted. */
  read(model: string, ids?: number[], fields?: string[]): Record<string, unknown>[] {
    const env = this.db.env(this.db.users[0]).sudo();
    return env.read(model, ids ?? this.db.store.rows(model).map((row) => row.id), fields);
  }

  search(model: string, domain: unknown[] = []): number[] {
    return this.db.env(this.db.users[0], { active_test: false }).sudo().search(model, domain);
  }

  /** External ids (`module.name`) starting with `prefix`, sorted. */
  externalIds(prefix = ''): ExternalIdEntry[] {
    const entries: ExternalIdEntry[] = [];
    for (const [externalId, target] of this.db.store.externalIds()) {
      if (externalId.startsWith(prefix))
        entries.push({ externalId, model: target.model, resId: target.resId });
    }
    return entries.sort((a, b) => a.externalId.localeCompare(b.externalId));
  }

  /** External ids starting with `prefix`, of `model` only when given (an order's lines have theirs too). */
  countByExternalId(prefix: string, model?: string): number {
    return this.externalIds(prefix).filter((entry) => model === undefined || entry.model === model).length;
  }

  findByExternalId(
    externalId: string,
  ): { model: string; id: number; record: Record<string, unknown> } | undefined {
    const target = this.db.store.resolveExternalId(externalId);
    if (!target || !this.db.store.get(target.model, target.resId)) return undefined;
    return { model: target.model, id: target.resId, record: this.read(target.model, [target.resId])[0] };
  }
}
