// `./tradewind schemas check`: every problem with the contracts, one line each, exit 1 when there is any.
// Checks: the catalog is valid (owners, existing schemas); every .avsc is valid Avro and named by the
// catalog; generated code is current; every schema is compatible with its history at its level, where the
// history is the registry's versions of `<topic>-value` when the registry has the subject, else git (from
// the reviewed baseline resets in schemas/baseline.yaml on).
import path from 'node:path';

import type { Type } from 'avsc';

import {
  canonicalSchemaText,
  listSchemaFiles,
  loadAvroSchema,
  type LoadedSchema,
  parseAvroSchema,
} from './avro-schema';
import { type BaselineReset, loadBaselineResets, registryResetNote, resetsFor } from './baseline';
import { type Catalog, type CatalogTopic, type CompatibilityLevel, loadCatalog } from './catalog';
import { runCli } from './cli';
import { generateContracts, staleFiles } from './codegen';
import {
  checkCompatibility,
  compatibilityRule,
  formatIncompatibility,
  type HistoricSchema,
} from './compatibility';
import { defaultGeneratedDir, defaultRegistryUrl, defaultSchemasDir, displayPath } from './paths';
import { RegistryClient } from './registry-client';
import { gitSchemaHistory } from './schema-history';
import { SchemaToolException } from './schema-tool.exception';

export interface CheckOptions {
  /** Default `schemas/` (or TW_SCHEMAS_DIR). */
  schemasDir?: string;
  /** The generated contracts to compare; null skips the staleness check. Default libs/platform/contracts/src/generated. */
  generatedDir?: string | null;
  /** Confluent-compatible registry API; null compares with git only. Default REGISTRY_URL or the local stack. */
  registryUrl?: string | null;
  /** Git base for the comparison when the registry has no versions (default TW_SCHEMA_BASE, merge-base, HEAD). */
  gitBase?: string;
}

export interface CheckResult {
  /** One line each; empty when everything is in order. */
  problems: string[];
  /** What was compared with what, for the reader of the output. */
  notes: string[];
}

export async function runCheck(options: CheckOptions = {}): Promise<CheckResult> {
  const schemasDir = path.resolve(options.schemasDir ?? defaultSchemasDir());
  const generatedDir = options.generatedDir === undefined ? defaultGeneratedDir() : options.generatedDir;
  const registryUrl = options.registryUrl === undefined ? defaultRegistryUrl() : options.registryUrl;
  const problems: string[] = [];
  const notes: string[] = [];
  const collect = (error: unknown): void => {
    if (error instanceof SchemaToolException) problems.push(...error.problems);
    else throw error;
  };

  let catalog: Catalog | null = null;
  try {
    catalog = loadCatalog({ schemasDir });
  } catch (error) {
    collect(error);
  }

  // Every schema file must be valid, whether or not the catalog names it.
  const schemas = new Map<string, LoadedSchema>();
  const files = listSchemaFiles(schemasDir);
  for (const file of files) {
    try {
      schemas.set(file, loadAvroSchema(file));
    } catch (error) {
      collect(error);
    }
  }
  let resets: BaselineReset[] = [];
  try {
    resets = loadBaselineResets(schemasDir);
  } catch (error) {
    collect(error);
  }
  if (!catalog) return { problems, notes };

  const referenced = new Set(
    catalog.topics.flatMap((topic) => [
      topic.valueSchemaFile,
      ...(topic.key.kind === 'avro' ? [topic.key.file] : []),
    ]),
  );
  for (const file of files) {
    if (!referenced.has(file)) {
      problems.push(
        `${displayPath(file)}: not used by ${displayPath(catalog.file)} (add the topic that carries it, or delete the file)`,
      );
    }
  }

  if (generatedDir !== null) {
    try {
      const generated = await generateContracts(catalog);
      for (const { file, why } of staleFiles(generatedDir, generated)) {
        problems.push(
          `${displayPath(file)}: generated code is stale (${why}); run ./tradewind schemas generate`,
        );
      }
    } catch (error) {
      collect(error);
    }
  }

  const registry = registryUrl === null ? null : new RegistryClient(registryUrl, { timeoutMs: 5_000 });
  const registryAnswers = registry !== null && (await registry.isReachable());
  if (registry && !registryAnswers) {
    notes.push(
      `schema registry at ${registry.url} does not answer: comparing schemas with their git history`,
    );
  } else if (registry) {
    notes.push(
      `comparing schemas with the versions registered at ${registry.url} (git history for new subjects)`,
    );
  } else {
    notes.push('comparing schemas with their git history (no registry)');
  }
  for (const topic of catalog.topics) {
    const subjects: { subject: string; file: string }[] = [
      { subject: topic.valueSubject, file: topic.valueSchemaFile },
    ];
    if (topic.key.kind === 'avro') subjects.push({ subject: topic.key.subject, file: topic.key.file });
    for (const { subject, file } of subjects) {
      const schema = schemas.get(file);
      if (!schema) continue; // already reported as invalid
      try {
        problems.push(
          ...(await checkSubject({
            topic,
            subject,
            schema,
            registry: registryAnswers ? registry : null,
            options,
            since: resetsFor(resets, file),
            notes,
          })),
        );
      } catch (error) {
        collect(error);
      }
    }
  }
  return { problems, notes };
}

interface SubjectCheck {
  topic: CatalogTopic;
  subject: string;
  schema: LoadedSchema;
  registry: RegistryClient | null;
  options: CheckOptions;
  notes: string[];
  since: string[];
}

async function checkSubject(check: SubjectCheck): Promise<string[]> {
  const { topic, subject, schema, registry, notes } = check;
  const level: CompatibilityLevel = topic.compatibility;
  const rule = compatibilityRule(level);
  if (rule.scope === 'none') return [];

  let history: HistoricSchema[] = [];
  let fromRegistry = false;
  let registryVerdict: boolean | null = null;
  if (registry) {
    const versions = await registry.getAllVersions(subject);
    history = versions.flatMap((version) => {
      const type = parseHistoric(version.schema, `version ${version.version} of subject ${subject}`, notes);
      return type ? [{ label: `version ${version.version} of subject ${subject}`, type }] : [];
    });
    fromRegistry = history.length > 0;
    // The registry judges at its own configured level; its verdict only counts when that is ours.
    if (versions.length > 0 && (await registry.getSubjectCompatibility(subject)) === level) {
      registryVerdict = await registry.isCompatible(
        subject,
        canonicalSchemaText(schema),
        rule.scope === 'all' ? 'all' : 'latest',
      );
    }
  }
  if (history.length === 0) {
    const git = gitSchemaHistory(schema.file, {
      base: check.options.gitBase,
      transitive: rule.scope === 'all',
      since: check.since,
    });
    history = git.versions.flatMap((version) => {
      const type = parseHistoric(
        version.text,
        `${schema.shown} in commit ${version.commit.slice(0, 7)}`,
        notes,
      );
      return type ? [{ label: version.label, type }] : [];
    });
  }

  // A registry keeps what was registered before a reset: say so rather than blame the change.
  const resetNote = fromRegistry ? registryResetNote(check.since) : '';
  const found = checkCompatibility(schema.type, history, level).map(
    (incompatibility) =>
      formatIncompatibility(incompatibility, { file: schema.shown, level, topic: topic.name }) + resetNote,
  );
  if (found.length === 0 && registryVerdict === false) {
    found.push(
      `${schema.shown}: the schema registry refuses it for subject ${subject} (${level}) without saying why, ` +
        `although avsc can resolve every version; compare with GET ${registry!.url}/subjects/${subject}/versions`,
    );
  }
  return found;
}

function parseHistoric(text: string, label: string, notes: string[]): Type | null {
  try {
    return parseAvroSchema(text, label).type;
  } catch {
    notes.push(`${label} is not a valid Avro record schema; skipped`);
    return null;
  }
}

if (require.main === module) {
  runCli(async () => {
    const offline = process.argv.includes('--offline');
    const { problems, notes } = await runCheck(offline ? { registryUrl: null } : {});
    for (const note of notes) console.log(note);
    for (const problem of problems) console.error(problem);
    console.log(problems.length === 0 ? 'schemas check: OK' : `schemas check: ${problems.length} problem(s)`);
    return problems.length === 0 ? 0 : 1;
  });
}
