// `./tradewind new service <name> [--topic <topic>]` (= `npx nx g ./tools/generators:service <name>`): a
// service the way the house builds one (services/order-intake is the model), and its entries in every
// file that lists the services: compose (and its secured override), the chart, Prometheus, the demo, the
// topic catalog, the docs.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { formatFiles, generateFiles, type GeneratorCallback, names, type Tree } from '@nx/devkit';
import YAML from 'yaml';

import { constantName } from '../../schemas/codegen';
import { runGenerate } from '../../schemas/generate';

export interface ServiceGeneratorSchema {
  name: string;
  /** The topic its one handler consumes (schemas/topics.yaml). */
  topic?: string;
  /** HTTP port (health, metrics); default: 10 above the highest port docker-compose.yml gives a service. */
  port?: number;
  /** The `scope:` tag; default: the service name. */
  domain?: string;
  /** Skip the contracts regeneration, lint fix and format after writing (tests of the generator itself). */
  skipFinish?: boolean;
}

const DEFAULT_TOPIC = 'ops.audit';
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export class ServiceGeneratorError extends Error {
  override readonly name = 'ServiceGeneratorError';
}

interface TopicEntry {
  name: string;
  partitions?: number;
  consumers?: string[];
}

export async function serviceGenerator(
  tree: Tree,
  options: ServiceGeneratorSchema,
): Promise<GeneratorCallback> {
  const name = options.name;
  if (!KEBAB.test(name)) throw new ServiceGeneratorError(`service name "${name}" is not kebab-case`);
  const root = `services/${name}`;
  if (tree.exists(root)) throw new ServiceGeneratorError(`${root} exists already`);

  const catalog = YAML.parse(read(tree, 'schemas/topics.yaml')) as {
    defaults?: { partitions?: number };
    topics: TopicEntry[];
  };
  const topicName = options.topic ?? DEFAULT_TOPIC;
  const topic = catalog.topics.find((t) => t.name === topicName);
  if (!topic) {
    const known = catalog.topics.map((t) => t.name).join(', ');
    throw new ServiceGeneratorError(`topic "${topicName}" is not in schemas/topics.yaml (${known})`);
  }
  const partitions = topic.partitions ?? catalog.defaults?.partitions ?? 1;
  const port = options.port ?? nextPort(tree);
  const n = names(name);
  const topicNames = names(topicName.replace(/[^A-Za-z0-9]+/g, '-'));
  const vars = {
    name,
    className: n.className,
    propertyName: n.propertyName,
    snakeName: name.replace(/-/g, '_'),
    schema: name.replace(/-/g, '_'),
    domain: options.domain ?? name,
    port,
    topic: topicName,
    topicConst: constantName(topicName),
    topicUpper: topicName.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase(),
    topicClass: topicNames.className,
    topicFile: topicNames.fileName,
    migrationTimestamp: Date.now(),
  };
  generateFiles(tree, path.join(__dirname, 'files'), root, vars);

  insertBefore(tree, 'docker-compose.yml', /^ {2}# ---- observability/m, composeEntry(name, port));
  appendToSection(
    tree,
    'helm/tradewind/values.yaml',
    'services',
    helmEntry(name, port, topicName, partitions),
  );
  appendToSection(
    tree,
    'deploy/docker/compose.secured.yml',
    'services',
    `  ${name}:\n    environment: *secured-env\n    secrets: *secured-secrets\n`,
    { blankLine: false },
  );
  insertBefore(
    tree,
    'deploy/prometheus/prometheus.yml',
    /^ {2}- job_name: prometheus$/m,
    scrapeJob(name, port),
  );
  insertBefore(tree, 'deploy/local/demo.sh', /^\)\s*# end of services$/m, `  ${name}:${port}\n`);
  addConsumer(tree, topicName, name);
  addTableRow(
    tree,
    'docs/architecture.md',
    '## Services',
    `| ${name} | \`${topicName}\` | made by \`./tradewind new service\`: say what it owns | ${port} |`,
  );
  addTableRow(
    tree,
    'docs/observability.md',
    '## Technical metrics',
    `| \`tradewind_${vars.snakeName}_records_total\` | counter | outcome | ${name}'s records of \`${topicName}\`: stored, or a duplicate delivery. |`,
  );

  if (options.skipFinish) return () => undefined;
  await formatFiles(tree);
  return () => {
    // The catalog's consumers are generated into libs/platform/contracts (TOPIC_CATALOG).
    return runGenerate({
      schemasDir: path.join(tree.root, 'schemas'),
      generatedDir: path.join(tree.root, 'libs/platform/contracts/src/generated'),
      log: () => undefined,
    }).then(() => {
      // Import order depends on the service's name: let the house's lint rule sort it.
      const fix = spawnSync('npx', ['eslint', '--fix', root], { cwd: tree.root, stdio: 'inherit' });
      if (fix.status !== 0) throw new ServiceGeneratorError(`eslint --fix ${root} failed`);
      spawnSync('npx', ['prettier', '--write', '--log-level=warn', root], {
        cwd: tree.root,
        stdio: 'inherit',
      });
    });
  };
}

export default serviceGenerator;

function read(tree: Tree, file: string): string {
  const text = tree.read(file, 'utf-8');
  if (text === null) throw new ServiceGeneratorError(`${file} is missing`);
  return text;
}

function nextPort(tree: Tree): number {
  const ports = [...read(tree, 'docker-compose.yml').matchAll(/^\s+HTTP_PORT: (\d+)$/gm)].map((m) =>
    Number(m[1]),
  );
  return Math.max(3000, ...ports) + 10;
}

function insertBefore(tree: Tree, file: string, anchor: RegExp, text: string): void {
  const content = read(tree, file);
  const match = anchor.exec(content);
  if (!match) throw new ServiceGeneratorError(`${file}: no line matching ${String(anchor)} to insert before`);
  tree.write(file, content.slice(0, match.index) + text + content.slice(match.index));
}

/** Appends `text` at the end of a top-level YAML section (before the next top-level key, or at the end). */
function appendToSection(
  tree: Tree,
  file: string,
  section: string,
  text: string,
  options: { blankLine: boolean } = { blankLine: true },
): void {
  const lines = read(tree, file).split('\n');
  const start = lines.findIndex((line) => line === `${section}:`);
  if (start < 0) throw new ServiceGeneratorError(`${file}: no top-level "${section}:"`);
  let end = lines.findIndex((line, index) => index > start && /^\S/.test(line));
  if (end < 0) end = lines.length;
  while (end > start + 1 && lines[end - 1].trim() === '') end -= 1;
  lines.splice(end, 0, ...(options.blankLine ? [''] : []), ...text.replace(/\n$/, '').split('\n'));
  tree.write(file, lines.join('\n'));
}

/** Appends a row to the first Markdown table under `heading`. */
function addTableRow(tree: Tree, file: string, heading: string, row: string): void {
  const lines = read(tree, file).split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new ServiceGeneratorError(`${file}: no "${heading}" heading`);
  let at = lines.findIndex((line, index) => index > start && line.startsWith('|'));
  if (at < 0) throw new ServiceGeneratorError(`${file}: no table under "${heading}"`);
  while (at < lines.length && lines[at].startsWith('|')) at += 1;
  lines.splice(at, 0, row);
  tree.write(file, lines.join('\n'));
}

/** Lists the service among the consumers of its topic in schemas/topics.yaml. */
function addConsumer(tree: Tree, topicName: string, service: string): void {
  const file = 'schemas/topics.yaml';
  const lines = read(tree, file).split('\n');
  const start = lines.findIndex((line) => line === `  - name: ${topicName}`);
  let end = lines.findIndex((line, index) => index > start && /^ {2}- |^\S/.test(line));
  if (end < 0) end = lines.length;
  const block = lines.slice(start, end);
  const at = block.findIndex((line) => /^ {4}consumers: \[.*\]$/.test(line));
  if (at >= 0) {
    const current = block[at].replace(/^ {4}consumers: \[(.*)\]$/, '$1').trim();
    const listed = current === '' ? [] : current.split(',').map((c) => c.trim());
    // Idempotent: the generator may be run again over its own output.
    if (!listed.includes(service)) lines[start + at] = `    consumers: [${[...listed, service].join(', ')}]`;
  } else {
    let last = end;
    while (last > start + 1 && lines[last - 1].trim() === '') last -= 1;
    lines.splice(last, 0, `    consumers: [${service}]`);
  }
  tree.write(file, lines.join('\n'));
}

function composeEntry(name: string, port: number): string {
  return `  ${name}:
    <<: *tradewind-image
    environment:
      <<: *platform-env
      SERVICE: ${name}
      HTTP_PORT: ${port}
    secrets:
      - platform_database_url
    depends_on: *platform-deps
    healthcheck: *service-healthcheck

`;
}

function helmEntry(name: string, port: number, topic: string, partitions: number): string {
  return `  ${name}:
    enabled: true
    port: ${port}
    replicas: 1
    odoo: none
    partnerCatalog: false
    partnerCredentials: false
    env: {}
    secretEnv: []
    resources:
      requests: { cpu: 100m, memory: 192Mi }
      limits: { memory: 384Mi }
    pdb:
      maxUnavailable: 1
    autoscaling:
      enabled: true
      minReplicas: 1
      # ${topic} has ${partitions} partitions: more replicas would idle.
      maxReplicas: ${partitions}
      consumerLag:
        group: ${name}.${topic}
        averageValue: '500'
`;
}

function scrapeJob(name: string, port: number): string {
  return `  - job_name: ${name}
    metrics_path: /metrics
    dns_sd_configs:
      - names: [${name}]
        type: A
        port: ${port}
    relabel_configs: *tradewind-target

`;
}
