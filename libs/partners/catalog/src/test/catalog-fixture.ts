// A writable copy of the real config/partners in a temp directory, for specs that break one rule each.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '../../../../..');
export const PARTNERS_DIR = join(REPO_ROOT, 'config/partners');
export const SEED_PATH = join(REPO_ROOT, 'config/masterdata/seed.yaml');

export interface CatalogCopy {
  readonly dir: string;
  /** Replaces one exact text in a file of the copy (relative path); fails when the text is absent. */
  edit(file: string, from: string, to: string): void;
  write(file: string, text: string): void;
  remove(file: string): void;
  cleanup(): void;
}

export function copyCatalog(): CatalogCopy {
  const dir = mkdtempSync(join(tmpdir(), 'tw-catalog-'));
  cpSync(PARTNERS_DIR, dir, { recursive: true });
  return {
    dir,
    edit(file, from, to) {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      if (!text.includes(from)) throw new Error(`fixture: "${from}" not found in ${file}`);
      writeFileSync(path, text.replace(from, to));
    },
    write(file, text) {
      writeFileSync(join(dir, file), text);
    },
    remove(file) {
      rmSync(join(dir, file), { force: true });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
