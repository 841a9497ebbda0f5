// In-memory tables with an undo journal (one Odoo call = one transaction; load uses savepoints), a
// reverse index for many2one fields (one2many reads and `=` searches) and the external-id index.
import { asText, type ModelRegistry, type Row } from './model.types';
import { RecordFaults } from './record-faults';

interface UndoEntry {
  model: string;
  id: number;
  before: Row | undefined;
}

export interface ExternalIdTarget {
  model: string;
  resId: number;
  /** ir.model.data row id. */
  dataId: number;
}

export interface StoreSnapshot {
  readonly tables: Readonly<Record<string, readonly Row[]>>;
  readonly sequences: Readonly<Record<string, number>>;
}

export class RecordStore {
  private tables = new Map<string, Map<number, Row>>();
  private readonly sequences = new Map<string, number>();
  private journal: UndoEntry[] = [];
  private m2oIndex = new Map<string, Map<number, Set<number>>>();
  private xmlids = new Map<string, ExternalIdTarget>();
  /** ir.model.data ids by `model,res_id` (Odoo's ir_model_data_model_res_id_index). */
  private xmlidsByTarget = new Map<string, Set<number>>();
  /** Per-record failures armed by tests (cleared with the records). */
  readonly faults = new RecordFaults();

  constructor(readonly registry: ModelRegistry) {}

  /** Database ids come from a sequence: like PostgreSQL, a rolled-back id is never reused. */
  nextId(model: string): number {
    const next = (this.sequences.get(model) ?? 0) + 1;
    this.sequences.set(model, next);
    return next;
  }

  /** Named counters for document numbers (Odoo's ir.sequence, not rolled back either). */
  nextNumber(key: string): number {
    return this.nextId(`#${key}`);
  }

  get(model: string, id: number): Row | undefined {
    return this.tables.get(model)?.get(id);
  }

  rows(model: string): Row[] {
    return [...(this.tables.get(model)?.values() ?? [])];
  }

  count(model: string): number {
    return this.tables.get(model)?.size ?? 0;
  }

  /**
   * Ids of `model` rows whose stored many2one `field` points at one of `targets`, unsorted; undefined
   * when the field has no index (not a stored many2one).
   */
  referencingAny(model: string, field: string, targets: readonly number[]): number[] | undefined {
    const def = this.registry.get(model)?.fields[field];
    if (def?.type !== 'many2one' || def.compute) return undefined;
    const index = this.m2oIndex.get(`${model}.${field}`);
    const ids: number[] = [];
    for (const target of new Set(targets)) for (const id of index?.get(target) ?? []) ids.push(id);
    return ids;
  }

  /** ir.model.data ids naming records of `model` with these ids, unsorted. */
  externalIdRowsOf(model: string, resIds: readonly number[]): number[] {
    const ids: number[] = [];
    for (const resId of new Set(resIds))
      for (const id of this.xmlidsByTarget.get(`${model},${resId}`) ?? []) ids.push(id);
    return ids;
  }

  /** Ids of `model` rows whose many2one `field` points at `target`. */
  referencing(model: string, field: string, target: number): number[] {
    return [...(this.m2oIndex.get(`${model}.${field}`)?.get(target) ?? [])].sort((a, b) => a - b);
  }

  put(model: string, row: Row): void {
    // rows put with explicit ids (seeded users) move the sequence past them
    if (row.id > (this.sequences.get(model) ?? 0)) this.sequences.set(model, row.id);
    const table = this.table(model);
    const before = table.get(row.id);
    this.journal.push({ model, id: row.id, before });
    this.apply(model, row.id, before, { ...row });
  }

  remove(model: string, id: number): void {
    const before = this.table(model).get(id);
    if (!before) return;
    this.journal.push({ model, id, before });
    this.apply(model, id, before, undefined);
  }

  savepoint(): number {
    return this.journal.length;
  }

  rollbackTo(savepoint: number): void {
    while (this.journal.length > savepoint) {
      const entry = this.journal.pop()!;
      this.apply(entry.model, entry.id, this.table(entry.model).get(entry.id), entry.before);
    }
  }

  commit(): void {
    this.journal = [];
  }

  resolveExternalId(completeName: string): ExternalIdTarget | undefined {
    return this.xmlids.get(completeName);
  }

  externalIds(): IterableIterator<[string, ExternalIdTarget]> {
    return this.xmlids.entries();
  }

  /** Every table and sequence as plain data (the simulator's data file; see persistence.ts). */
  snapshot(): StoreSnapshot {
    return {
      tables: Object.fromEntries([...this.tables].map(([model, table]) => [model, [...table.values()]])),
      sequences: Object.fromEntries(this.sequences),
    };
  }

  /** Replaces the contents with a snapshot, indexes rebuilt; committed (no undo past it). */
  restore(snapshot: StoreSnapshot): void {
    this.clear();
    for (const [model, rows] of Object.entries(snapshot.tables)) {
      for (const row of rows) this.apply(model, row.id, undefined, { ...row });
    }
    for (const [key, value] of Object.entries(snapshot.sequences)) this.sequences.set(key, value);
  }

  clear(): void {
    this.tables = new Map();
    this.journal = [];
    this.m2oIndex = new Map();
    this.xmlids = new Map();
    this.xmlidsByTarget = new Map();
    this.sequences.clear();
    this.faults.clear();
  }

  private table(model: string): Map<number, Row> {
    let table = this.tables.get(model);
    if (!table) {
      table = new Map();
      this.tables.set(model, table);
    }
    return table;
  }

  /** The single place rows change, so indexes always follow (including on rollback). */
  private apply(model: string, id: number, before: Row | undefined, after: Row | undefined): void {
    const def = this.registry.get(model);
    if (def) {
      for (const [fname, field] of Object.entries(def.fields)) {
        if (field.type !== 'many2one' || field.compute) continue;
        const was = before?.[fname];
        const now = after?.[fname];
        if (was === now) continue;
        const index = this.indexFor(`${model}.${fname}`);
        if (typeof was === 'number') index.get(was)?.delete(id);
        if (typeof now === 'number') {
          let set = index.get(now);
          if (!set) index.set(now, (set = new Set()));
          set.add(id);
        }
      }
    }
    if (model === 'ir.model.data') {
      if (before) {
        this.xmlids.delete(`${asText(before.module)}.${asText(before.name)}`);
        this.xmlidsByTarget.get(`${asText(before.model)},${Number(before.res_id)}`)?.delete(id);
      }
      if (after) {
        const target = `${asText(after.model)},${Number(after.res_id)}`;
        let set = this.xmlidsByTarget.get(target);
        if (!set) this.xmlidsByTarget.set(target, (set = new Set()));
        set.add(id);
        this.xmlids.set(`${asText(after.module)}.${asText(after.name)}`, {
          model: asText(after.model),
          resId: Number(after.res_id),
          dataId: id,
        });
      }
    }
    if (after) this.table(model).set(id, after);
    else this.table(model).delete(id);
  }

  private indexFor(key: string): Map<number, Set<number>> {
    let index = this.m2oIndex.get(key);
    if (!index) this.m2oIndex.set(key, (index = new Map<number, Set<number>>()));
    return index;
  }
}
