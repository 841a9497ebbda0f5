// What the deployment checks (deploy.spec.ts) compare: the services in the repository, their configuration
// specs, the topic catalog, the metrics the code defines, and the deployment files read as data.
import fs from 'node:fs';
import path from 'node:path';

import {
  type ConfigSpec,
  ConfigVariable,
  type Environment,
  flattenSpec,
  type FlatVariable,
  loadConfig,
} from '@tradewind/config';
import YAML from 'yaml';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const repoPath = (...parts: string[]): string => path.join(REPO_ROOT, ...parts);
export const readText = (rel: string): string => fs.readFileSync(repoPath(rel), 'utf8');

// ---- services ------------------------------------------------------------------------------------------

/** services/<name> folders that hold a service (a project.json or a src/ folder). */
export function repositoryServices(root = REPO_ROOT): string[] {
  const dir = path.join(root, 'services');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .filter((e) => ['project.json', 'src'].some((f) => fs.existsSync(path.join(dir, e.name, f))))
    .map((e) => e.name)
    .sort();
}

export interface ServiceSpec {
  service: string;
  /** services/<name>/src/<file>.config.ts and its export, or `platformConfig` when the service has none yet. */
  source: string;
  spec: ConfigSpec;
  /** False when derived from platformConfig: the service's own variables are unknown. */
  complete: boolean;
}

function isConfigSpec(value: unknown): value is ConfigSpec {
  if (typeof value !== 'object' || value === null || value instanceof ConfigVariable) return false;
  try {
    const leaves = flattenSpec(value as ConfigSpec);
    return leaves.length > 0 && leaves.every((leaf) => leaf.variable instanceof ConfigVariable);
  } catch {
    return false;
  }
}

/**
 * The configuration spec a service loads: the largest ConfigSpec exported by its `src/*.config.ts`.
 * A service without one yet is checked against the platform variables only.
 */
export async function serviceConfigSpec(service: string): Promise<ServiceSpec> {
  const srcDir = repoPath('services', service, 'src');
  const files = fs.existsSync(srcDir) ? fs.readdirSync(srcDir).filter((f) => f.endsWith('.config.ts')) : [];
  let best: ServiceSpec | undefined;
  for (const file of files) {
    const exported = (await import(path.join(srcDir, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) {
      if (!isConfigSpec(value)) continue;
      const size = flattenSpec(value).length;
      if (!best || size > flattenSpec(best.spec).length) {
        best = { service, source: `services/${service}/src/${file} (${name})`, spec: value, complete: true };
      }
    }
  }
  if (best) return best;
  const { platformConfig } = await import('@tradewind/service-kit');
  return {
    service,
    source: 'platformConfig (the service has no *.config.ts yet)',
    spec: platformConfig({ name: service, port: 3000, schema: service.replace(/-/g, '_') }),
    complete: false,
  };
}

export function variablesOf(spec: ConfigSpec): Map<string, FlatVariable['variable']> {
  return new Map(flattenSpec(spec).map(({ variable }) => [variable.name, variable]));
}

/** A stand-in for a value that comes from a secret: the variable's example, else a neutral string. */
export function secretPlaceholder(variable: FlatVariable['variable'] | undefined): string {
  const example = variable?.spec.example;
  return typeof example === 'string' && example !== '' ? example : 'secret-from-reference';
}

/** The problems @tradewind/config reports for `env` in production (empty when the service would start). */
export function productionProblems(spec: ConfigSpec, env: Environment): string[] {
  try {
    loadConfig(spec, { ...env, NODE_ENV: 'production' });
    return [];
  } catch (error) {
    const lines = (error as { lines?: unknown }).lines;
    if (Array.isArray(lines)) return lines.map(String);
    throw error;
  }
}

// ---- topic catalog -------------------------------------------------------------------------------------

export interface CatalogTopic {
  name: string;
  partitions: number;
  consumers: string[];
  producers: string[];
  owner: string;
}

export function topicCatalog(): CatalogTopic[] {
  const doc = YAML.parse(readText('schemas/topics.yaml')) as {
    defaults?: { partitions?: number };
    topics: {
      name: string;
      partitions?: number;
      consumers?: string[];
      producers?: string[];
      owner: string;
    }[];
  };
  return doc.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions ?? doc.defaults?.partitions ?? 1,
    consumers: t.consumers ?? [],
    producers: t.producers ?? [],
    owner: t.owner,
  }));
}

/** A catalog topic, or a runner-derived `<topic>.<group>.retry|dlq` of one (ADR 0001). */
export function isKnownTopic(name: string, catalog: CatalogTopic[]): boolean {
  if (catalog.some((t) => t.name === name)) return true;
  return /\.(retry|dlq)$/.test(name) && catalog.some((t) => name.startsWith(`${t.name}.`));
}

// ---- partner catalog ---------------------------------------------------------------------------------

export interface CredentialRef {
  keyId: string;
  kind: 'env' | 'file';
  target: string;
}

/** Every secret reference of the catalog's credentials: each key's API key hash and signing secret. */
export function partnerCredentialRefs(): CredentialRef[] {
  const doc = YAML.parse(readText('config/partners/catalog.yaml')) as {
    partners: { credentials?: { keyId: string; apiKeyHashRef: string; signingSecretRef: string }[] }[];
  };
  return doc.partners.flatMap((p) =>
    (p.credentials ?? []).flatMap((c) =>
      [c.apiKeyHashRef, c.signingSecretRef].map((ref) => {
        const [kind, ...rest] = ref.split(':');
        return { keyId: c.keyId, kind: kind as 'env' | 'file', target: rest.join(':') };
      }),
    ),
  );
}

// ---- metrics -------------------------------------------------------------------------------------------

export interface DefinedMetric {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  file: string;
}

const METRIC_DEFINITION =
  /\b(counter|gauge|histogram|new\s+(?:Counter|Gauge|Histogram))\s*(?:<[^>]*>)?\s*\(\s*\{\s*name:\s*['"]([a-zA-Z_:][a-zA-Z0-9_:]*)['"]/g;

/** Metrics created in production code (libs/, services/): `counter({ name })` and `new Counter({ name })`. */
export function definedMetrics(): DefinedMetric[] {
  const found: DefinedMetric[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'test', 'generated'].includes(entry.name)) walk(full);
      } else if (/\.ts$/.test(entry.name) && !/\.(spec|itest|e2e)\.ts$/.test(entry.name)) {
        const text = fs.readFileSync(full, 'utf8');
        for (const match of text.matchAll(METRIC_DEFINITION)) {
          const kind = match[1].replace(/^new\s+/, '').toLowerCase() as DefinedMetric['type'];
          found.push({ name: match[2], type: kind, file: path.relative(REPO_ROOT, full) });
        }
      }
    }
  };
  for (const top of ['libs', 'services']) if (fs.existsSync(repoPath(top))) walk(repoPath(top));
  return found;
}

/** Every series name the definitions expose (histograms: _bucket, _sum, _count). */
export function exposedSeries(metrics: DefinedMetric[]): Set<string> {
  const names = new Set<string>();
  for (const m of metrics) {
    names.add(m.name);
    if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
  'le',
]);

/** Metric names a PromQL expression reads (function names, labels, strings, ranges and keywords removed). */
export function metricsInPromQL(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (match[2]) continue; // a function call
    const name = match[1];
    if (PROMQL_WORDS.has(name.toLowerCase()) || /^\d/.test(name)) continue;
    const before = stripped.slice(0, match.index);
    if (/\d$/.test(before)) continue; // the unit of a number like 1e3 or 5m outside a range
    names.add(name);
  }
  return [...names];
}

/** `topic="x"` and the alternatives of `topic=~"a|b"` in a PromQL expression. */
export function topicsInPromQL(expr: string): string[] {
  const topics: string[] = [];
  for (const m of expr.matchAll(/\btopic\s*(=~?)\s*"([^"]*)"/g)) {
    if (m[1] === '=') topics.push(m[2]);
    else topics.push(...m[2].split('|').filter((t) => /^[A-Za-z0-9._-]+$/.test(t)));
  }
  return topics;
}

// ---- compose -------------------------------------------------------------------------------------------

export interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  secrets?: (string | { source: string; target?: string })[];
  depends_on?: Record<string, { condition: string; required?: boolean }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  profiles?: string[];
  networks?: Record<string, { aliases?: string[] } | null>;
  volumes?: string[];
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string; environment?: string }>;
  volumes?: Record<string, unknown>;
}

export function loadCompose(text = readText('docker-compose.yml')): ComposeFile {
  const doc = YAML.parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
  return doc.toJS({ maxAliasCount: 1000 }) as ComposeFile;
}

/**
 * Compose interpolation as `docker compose` resolves it with `env` (empty by default): `${X:-d}` → d when
 * X is unset, `${X:?message}` (required) → X, or '' here where compose would refuse to start.
 */
export function interpolate(value: string, env: Record<string, string> = {}): string {
  return value
    .replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
      (_, name: string, op?: string, arg?: string) =>
        env[name] ?? (op !== undefined && op.endsWith('-') ? (arg ?? '') : ''),
    )
    .replace(/\$\$/g, '$');
}

/** `override` merged onto `base` as `docker compose -f base -f override` does for what the checks read. */
export function mergeCompose(base: ComposeFile, override: ComposeFile): ComposeFile {
  const services: Record<string, ComposeService> = { ...base.services };
  for (const [name, over] of Object.entries(override.services ?? {})) {
    const svc = services[name] ?? {};
    const sources = new Set((svc.secrets ?? []).map((e) => (typeof e === 'string' ? e : e.source)));
    services[name] = {
      ...svc,
      ...over,
      environment: { ...svc.environment, ...over.environment },
      secrets: [
        ...(svc.secrets ?? []),
        ...(over.secrets ?? []).filter((e) => !sources.has(typeof e === 'string' ? e : e.source)),
      ],
    };
  }
  return { ...base, services, secrets: { ...base.secrets, ...override.secrets } };
}

/** The environment a compose service's process sees, secrets (`X_FILE`) stood in for by placeholders. */
export function composeEnvironment(
  service: ComposeService,
  variables: Map<string, FlatVariable['variable']>,
  shell: Record<string, string> = {},
): { env: Record<string, string>; fromSecrets: Map<string, string> } {
  const env: Record<string, string> = {};
  const fromSecrets = new Map<string, string>();
  for (const [key, raw] of Object.entries(service.environment ?? {})) {
    const value = raw === null || raw === undefined ? '' : interpolate(String(raw), shell);
    const file = /^(.+)_FILE$/.exec(key);
    if (file && value.startsWith('/run/secrets/')) {
      env[file[1]] = secretPlaceholder(variables.get(file[1]));
      fromSecrets.set(file[1], value);
    } else {
      env[key] = value;
    }
  }
  return { env, fromSecrets };
}

/** `/run/secrets/<target>` paths a compose service gets, mapped to the top-level secret they come from. */
export function composeSecretMounts(service: ComposeService): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const entry of service.secrets ?? []) {
    const source = typeof entry === 'string' ? entry : entry.source;
    const target = typeof entry === 'string' ? undefined : entry.target;
    const where =
      target === undefined
        ? `/run/secrets/${source}`
        : target.startsWith('/')
          ? target
          : `/run/secrets/${target}`;
    mounts.set(where, source);
  }
  return mounts;
}

export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    props.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  return props;
}

/** The apache/kafka image's mapping: KAFKA_A_B → a.b (`__` → `_`, `___` → `-`). */
export function kafkaEnvToProperty(name: string): string | undefined {
  if (!name.startsWith('KAFKA_')) return undefined;
  return name
    .slice(6)
    .toLowerCase()
    .split('___')
    .map((part) =>
      part
        .split('__')
        .map((word) => word.replace(/_/g, '.'))
        .join('_'),
    )
    .join('-');
}
