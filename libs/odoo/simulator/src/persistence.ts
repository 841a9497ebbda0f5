// The simulator's database in a file (ODOO_SIM_DATA_FILE), so that it outlives its process as a real
// Odoo's PostgreSQL does: loaded at start when the file exists (the seed only for a new file), written
// after changes (at most every `flushEveryMs`, to a temporary file renamed over the old one, so a crash
// leaves the previous complete state), and flushed when the simulator stops.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import type { StoreSnapshot } from './orm/record.store';
import type { SimulatedDatabase } from './simulated-database';

const FORMAT = 'tradewind-odoo-simulator/1';

interface DataFileContents extends StoreSnapshot {
  readonly format: string;
  readonly db: string;
}

export class SimulatorDataFile {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly db: SimulatedDatabase,
    private readonly flushEveryMs = 200,
  ) {}

  /** Loads the file into the database when it exists; true when it did. Then follows every commit. */
  open(): boolean {
    let loaded = false;
    if (existsSync(this.path)) {
      const contents = JSON.parse(readFileSync(this.path, 'utf8')) as DataFileContents;
      if (contents.format !== FORMAT) {
        throw new Error(`${this.path} is not a simulator data file (format ${String(contents.format)})`);
      }
      if (contents.db !== this.db.name) {
        throw new Error(`${this.path} holds database ${contents.db}, not ${this.db.name}`);
      }
      this.db.store.restore(contents);
      loaded = true;
    } else {
      this.dirty = true;
      this.flush();
    }
    this.db.onCommit = () => this.changed();
    return loaded;
  }

  /** Writes now if anything changed since the last write. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    const contents: DataFileContents = { format: FORMAT, db: this.db.name, ...this.db.store.snapshot() };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(contents));
    renameSync(temporary, this.path);
  }

  close(): void {
    this.db.onCommit = undefined;
    this.flush();
  }

  private changed(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => this.flush(), this.flushEveryMs);
  }
}
