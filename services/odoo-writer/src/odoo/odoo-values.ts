// Cells for `load`: Odoo's import converts strings (ir.fields.converter), so every cell is one.

/** ISO date-time → Odoo's UTC `YYYY-MM-DD HH:MM:SS`; a bare date becomes midnight UTC. */
export function toOdooDatetime(iso: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00Z`) : new Date(iso);
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function numberCell(value: number): string {
  return String(value);
}

/** A many2one as `read` returns it (`[id, name]`, or false) → the id. */
export function many2oneId(value: unknown): number | undefined {
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return typeof value === 'number' ? value : undefined;
}

/** Columns and the cells of one record's rows, built column by column. */
export class RecordRows {
  private readonly head = new Map<string, string>();
  private readonly lines: Map<string, string>[] = [];

  set(column: string, cell: string): this {
    this.head.set(column, cell);
    return this;
  }

  line(cells: [column: string, cell: string][]): this {
    this.lines.push(new Map(cells));
    return this;
  }

  /** The columns in a stable order: head columns as set, then line columns as first seen. */
  columns(): string[] {
    const lineColumns: string[] = [];
    for (const line of this.lines)
      for (const column of line.keys()) if (!lineColumns.includes(column)) lineColumns.push(column);
    return [...this.head.keys(), ...lineColumns];
  }

  /** Rows for `columns`: the head with the first line, then one row per further line. */
  rows(columns: readonly string[]): string[][] {
    const first = columns.map((column) => this.head.get(column) ?? this.lines[0]?.get(column) ?? '');
    const rest = this.lines.slice(1).map((line) => columns.map((column) => line.get(column) ?? ''));
    return [first, ...rest];
  }
}
