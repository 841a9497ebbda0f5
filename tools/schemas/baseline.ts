// Reviewed compatibility baseline resets (schemas/baseline.yaml). A reset says: for these schema files,
// the git history that `schemas check` compares with starts at commit `since`; versions from commits that
// do not contain `since` are no longer compared. It exists for breaks made on purpose before anything is
// deployed (docs/decisions/0003-vocabularies-as-avro-enums.md); once a topic has consumers in production a
// break needs a new topic version instead.
import fs from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

import { displayPath } from './paths';
import { SchemaToolErrorCode, SchemaToolException } from './schema-tool.exception';

export const BASELINE_FILE_NAME = 'baseline.yaml';

export interface BaselineReset {
  /** Commit-ish the history starts at (the commit that made the break). */
  since: string;
  /** Absolute paths of the schema files it applies to. */
  files: string[];
  reason: string;
  approvedBy: string;
}

const RESET_KEYS = ['since', 'schemas', 'reason', 'approvedBy'];

/** The resets of a schemas folder; none when it has no baseline.yaml. Throws listing every problem. */
export function loadBaselineResets(schemasDir: string): BaselineReset[] {
  const file = path.join(schemasDir, BASELINE_FILE_NAME);
  if (!fs.existsSync(file)) return [];
  const shown = displayPath(file);
  let root: unknown;
  try {
    root = parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SchemaToolException(SchemaToolErrorCode.CatalogInvalid, `${shown}: not valid YAML`, {
      cause: error,
    });
  }
  const entries = isRecord(root) ? root.resets : undefined;
  if (!Array.isArray(entries)) {
    throw new SchemaToolException(SchemaToolErrorCode.CatalogInvalid, `${shown}: expected "resets: [...]"`);
  }
  const problems: string[] = [];
  const resets = entries.flatMap((entry: unknown, index): BaselineReset[] => {
    const at = `${shown}: reset #${index + 1}`;
    if (!isRecord(entry)) {
      problems.push(`${at}: must be a mapping with ${RESET_KEYS.join(', ')}`);
      return [];
    }
    const before = problems.length;
    for (const key of Object.keys(entry)) {
      if (!RESET_KEYS.includes(key)) problems.push(`${at}: unknown key "${key}"`);
    }
    for (const key of ['since', 'reason', 'approvedBy']) {
      if (typeof entry[key] !== 'string' || entry[key].trim() === '') problems.push(`${at}: no "${key}"`);
    }
    const schemas = entry.schemas;
    if (!Array.isArray(schemas) || schemas.length === 0 || !schemas.every((s) => typeof s === 'string')) {
      problems.push(`${at}: "schemas" must list the .avsc files it applies to (relative to schemas/)`);
    } else {
      for (const schema of schemas) {
        if (!fs.existsSync(path.join(schemasDir, schema))) problems.push(`${at}: ${schema} does not exist`);
      }
    }
    if (problems.length > before) return [];
    return [
      {
        since: String(entry.since).trim(),
        files: (schemas as string[]).map((schema) => path.join(schemasDir, schema)),
        reason: String(entry.reason).trim(),
        approvedBy: String(entry.approvedBy).trim(),
      },
    ];
  });
  if (problems.length > 0) throw new SchemaToolException(SchemaToolErrorCode.CatalogInvalid, problems);
  return resets;
}

/** The commits a file's history starts at, latest reset last (every one of them must be contained). */
export function resetsFor(resets: readonly BaselineReset[], file: string): string[] {
  const resolved = path.resolve(file);
  return resets.filter((reset) => reset.files.includes(resolved)).map((reset) => reset.since);
}

/**
 * Appended to an incompatibility with registered versions of a schema that a reset applies to: a registry
 * keeps what was registered before the reset, and only emptying it lets the new baseline in.
 */
export function registryResetNote(since: readonly string[]): string {
  if (since.length === 0) return '';
  return (
    ` (schemas/baseline.yaml resets this schema's history at ${since.join(', ')}: the registry ` +
    'still holds versions from before it; empty it (locally: ./tradewind stack reset) and register again)'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
