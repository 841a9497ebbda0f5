// Static checks of the deployment files (no Docker, no cluster): docker-compose.yml, helm/tradewind,
// deploy/docker, deploy/prometheus and deploy/grafana against the repository they deploy: services/,
// each service's configuration spec, schemas/topics.yaml, config/partners, the metrics the code defines
// and deploy/local/kafka/server.properties. A new service without compose, chart and scrape entries, a
// variable a service requires in production and nobody sets, or a dashboard on a metric nobody exports
// fails here. The chart is linted and rendered by Helm itself (helm.ts), its objects validated against
// the Kubernetes schemas (k8s-schemas.ts), the compose files against the Compose Specification
// (compose-schema.ts); deploy-checks.spec.ts shows each of those failing on a broken copy.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import YAML from 'yaml';

import { seedConfig } from '../odoo/seed-masterdata';
import { kafkaSecurityFromEnv } from '../schemas/register';
import { composeSchemaProblems } from './compose-schema';
import {
  composeEnvironment,
  type ComposeFile,
  composeSecretMounts,
  definedMetrics,
  interpolate,
  kafkaEnvToProperty,
  loadCompose,
  mergeCompose,
  parseProperties,
  partnerCredentialRefs,
  productionProblems,
  readText,
  repoPath,
  repositoryServices,
  secretPlaceholder,
  serviceConfigSpec,
  topicCatalog,
  variablesOf,
} from './deploy-model';
import {
  CHART_DIR,
  chartValues,
  type K8sObject,
  type Manifest,
  parseManifests,
  renderableCopy,
  runHelm,
} from './helm';
import { KUBERNETES_SCHEMA_VERSION, schemaProblems } from './k8s-schemas';

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

interface PodSpec {
  containers: Container[];
  topologySpreadConstraints?: {
    topologyKey: string;
    whenUnsatisfiable: string;
    labelSelector: { matchLabels: Record<string, string> };
  }[];
  securityContext?: Record<string, unknown>;
  volumes?: {
    name: string;
    configMap?: { name: string; items?: { key: string; path: string }[] };
    secret?: { secretName: string };
  }[];
}

const SERVICES = repositoryServices();
const CATALOG = topicCatalog();
const RELEASE = 'tradewind';
const PRODUCTION_VALUES = path.join(CHART_DIR, 'values-production.yaml');
// The optional branches: SASL, registry auth, an existing catalog ConfigMap, no ServiceMonitor.
const ALTERNATIVE_VALUES = {
  kafka: { sasl: { mechanism: 'scram-sha-512', existingSecret: 'kafka-user' }, ssl: true },
  schemaRegistry: { existingSecret: 'registry-user' },
  partnerCatalog: { existingConfigMap: 'catalog-from-ci', existingXrefFiles: ['acme.yaml'] },
  serviceMonitor: { enabled: false },
  services: { 'odoo-writer': { autoscaling: { enabled: false } } },
};
const SERVICE_CONFIG_ENTRIES = new Set(['NODE_ENV', 'SERVICE', 'NODE_OPTIONS']);

/** Items of `expected` that `present` lacks: the check behind "every service appears in X". */
export function missingFrom(expected: readonly string[], present: Iterable<string>): string[] {
  const have = new Set(present);
  return expected.filter((name) => !have.has(name));
}

function composeServiceFor(compose: ComposeFile, service: string): string | undefined {
  return Object.entries(compose.services).find(([, s]) => s.environment?.SERVICE === service)?.[0];
}

function podOf(object: K8sObject): PodSpec {
  return (object.spec as { template: { spec: PodSpec } }).template.spec;
}

/**
 * Helm itself on the chart, in one JVM: lint with the default and the production values, and the
 * manifests of the default, production and alternative values (helm.ts).
 */
function renderAll() {
  const work = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'tw-chart-'));
  try {
    const chart = renderableCopy(path.join(work, 'chart'));
    // helm-java's lint takes no values file: lint a copy whose values.yaml is the production values.
    const production = renderableCopy(path.join(work, 'production'), (dir) =>
      fs.writeFileSync(path.join(dir, 'values.yaml'), YAML.stringify(chartValues(PRODUCTION_VALUES))),
    );
    const alternative = path.join(work, 'alternative.yaml');
    fs.writeFileSync(alternative, YAML.stringify(ALTERNATIVE_VALUES));
    const [lint, lintProduction, defaults, prod, alt] = runHelm([
      { kind: 'lint', chart: CHART_DIR },
      { kind: 'lint', chart: production },
      { kind: 'template', chart, release: RELEASE },
      { kind: 'template', chart, release: RELEASE, valuesFile: PRODUCTION_VALUES },
      { kind: 'template', chart, release: RELEASE, valuesFile: alternative },
    ]);
    const manifests = (result: { ok: boolean; output: string }, label: string): Manifest[] => {
      assert.ok(result.ok, `helm template with the ${label} values: ${result.output}`);
      return parseManifests(result.output);
    };
    return {
      lint: { defaults: lint, production: lintProduction },
      defaults: manifests(defaults, 'default'),
      production: manifests(prod, 'production'),
      alternative: manifests(alt, 'alternative'),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const objectsOf = (manifests: Manifest[]): K8sObject[] => manifests.map((m) => m.object);

function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** The environment a container gets: ConfigMaps resolved, secret references stood in for. */
function containerEnv(
  container: Container,
  objects: K8sObject[],
  spec: Map<string, { spec: { example?: unknown } }>,
) {
  const env: Record<string, string> = {};
  const fromSecrets = new Set<string>();
  const plain = new Set<string>();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const cm = find(objects, 'ConfigMap', source.configMapRef.name);
      assert.ok(cm, `envFrom names ConfigMap ${source.configMapRef.name}, which the chart does not render`);
      for (const [k, v] of Object.entries(cm.data ?? {})) {
        env[k] = v;
        plain.add(k);
      }
    }
  }
  for (const entry of container.env ?? []) {
    if (entry.valueFrom?.secretKeyRef) {
      env[entry.name] = secretPlaceholder(spec.get(entry.name) as never);
      fromSecrets.add(entry.name);
      plain.delete(entry.name);
    } else {
      env[entry.name] = entry.value ?? '';
      plain.add(entry.name);
    }
  }
  return { env, fromSecrets, plain };
}

void describe('deployment: the services', () => {
  void it('finds the services of the repository', () => {
    assert.ok(SERVICES.length > 0, 'no service under services/');
  });

  void it('reports a service that a deployment file forgets (the check itself)', () => {
    // A repository with one more service than the deployment files know.
    const root = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'tw-services-'));
    try {
      for (const service of [...SERVICES, 'billing']) {
        fs.mkdirSync(path.join(root, 'services', service, 'src'), { recursive: true });
      }
      fs.mkdirSync(path.join(root, 'services', 'not-a-service'));
      const found = repositoryServices(root);
      assert.deepEqual(found, [...SERVICES, 'billing'].sort());
      const compose = loadCompose();
      const inCompose = found.filter((s) => composeServiceFor(compose, s) !== undefined);
      assert.deepEqual(missingFrom(found, inCompose), ['billing']);
      const values = chartValues() as { services: Record<string, unknown> };
      assert.deepEqual(missingFrom(found, Object.keys(values.services)), ['billing']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

void describe('deployment: docker-compose.yml', () => {
  const compose = loadCompose();

  void it('follows the Compose Specification (its JSON schema)', () => {
    assert.deepEqual(composeSchemaProblems(), []);
  });

  void it('parses, and every service under services/ runs in it', () => {
    const present = SERVICES.filter((s) => composeServiceFor(compose, s) !== undefined);
    assert.deepEqual(
      missingFrom(SERVICES, present),
      [],
      'add these services to docker-compose.yml (SERVICE=<name>)',
    );
    for (const service of SERVICES) {
      assert.equal(
        composeServiceFor(compose, service),
        service,
        `the compose service running ${service} is named ${service}`,
      );
    }
  });

  void it('lists in compose only services that exist (or are being written)', (t) => {
    const declared = Object.values(compose.services)
      .map((s) => s.environment?.SERVICE)
      .filter((s): s is string => typeof s === 'string');
    const unknown = missingFrom(declared, SERVICES);
    if (unknown.length > 0) t.diagnostic(`compose runs services not in services/ yet: ${unknown.join(', ')}`);
  });

  for (const service of SERVICES) {
    void it(`${service}: sets every variable its configuration requires with NODE_ENV=production`, async (t) => {
      const name = composeServiceFor(compose, service);
      assert.ok(name, `${service} is not in docker-compose.yml`);
      const svc = compose.services[name];
      const config = await serviceConfigSpec(service);
      const variables = variablesOf(config.spec);
      const { env, fromSecrets } = composeEnvironment(svc, variables);
      assert.equal(
        env.NODE_ENV,
        'production',
        `${name}: NODE_ENV=production (local-stack defaults must not apply)`,
      );
      assert.deepEqual(
        productionProblems(config.spec, env),
        [],
        `${name} would not start (checked with ${config.source})`,
      );
      if (!config.complete) {
        t.diagnostic(`${service}: ${config.source}; its own variables are not checked yet`);
        return;
      }
      // Typos: a variable nobody reads is a variable that is not set.
      const credentialEnv = new Set(
        partnerCredentialRefs()
          .filter((r) => r.kind === 'env')
          .map((r) => r.target),
      );
      const unknown = Object.keys(env).filter(
        (k) => !variables.has(k) && !SERVICE_CONFIG_ENTRIES.has(k) && !credentialEnv.has(k),
      );
      assert.deepEqual(unknown, [], `${name}: variables ${config.source} does not define`);
      // Secrets come from files, never inline.
      for (const [key, variable] of variables) {
        if (variable.sensitive && key in env) {
          assert.ok(
            fromSecrets.has(key),
            `${name}: ${key} is sensitive; give it as ${key}_FILE from a compose secret`,
          );
        }
      }
      const mounts = composeSecretMounts(svc);
      for (const [key, file] of fromSecrets) {
        const secret = mounts.get(file);
        assert.ok(secret, `${name}: ${key}_FILE=${file} but no secret is mounted there`);
        assert.ok(compose.secrets?.[secret], `${name}: secret ${secret} is not declared at the top level`);
      }
      assert.equal(
        String(svc.environment?.HTTP_PORT),
        String(loadHttpPort(config.spec, env)),
        `${name}: HTTP_PORT`,
      );
    });
  }

  void it('gives the services their endpoints, the schemas job first and health checks', () => {
    for (const service of SERVICES) {
      const svc = compose.services[service];
      const deps = svc.depends_on as Record<string, { condition: string }>;
      assert.equal(
        deps.schemas?.condition,
        'service_completed_successfully',
        `${service} waits for the schemas job`,
      );
      for (const infra of ['kafka', 'registry', 'platform-db']) {
        assert.equal(
          deps[infra]?.condition,
          'service_healthy',
          `${service} waits for ${infra} to be healthy`,
        );
      }
      assert.ok(svc.healthcheck?.test && !svc.healthcheck.disable, `${service} has a health check`);
      assert.match(JSON.stringify(svc.healthcheck.test), /healthcheck\.js/, `${service} probes /health`);
      assert.equal(svc.environment?.KAFKA_BROKERS, compose.services.schemas.environment?.KAFKA_BROKERS);
      assert.equal(svc.environment?.SCHEMA_REGISTRY_URL, compose.services.schemas.environment?.REGISTRY_URL);
      for (const dep of Object.keys(deps))
        assert.ok(compose.services[dep], `${service} depends on unknown ${dep}`);
    }
    const schemas = compose.services.schemas;
    assert.deepEqual(schemas.command, ['schemas-register']);
    assert.match(String(schemas.environment?.REGISTRY_URL), /\/apis\/ccompat\/v7$/);
  });

  void it('runs Kafka as deploy/local/kafka/server.properties does (replication factor 1, no auto-create)', () => {
    const local = parseProperties(readText('deploy/local/kafka/server.properties'));
    const env = compose.services.kafka.environment ?? {};
    const props = new Map<string, string>();
    for (const [key, value] of Object.entries(env)) {
      const prop = kafkaEnvToProperty(key);
      if (prop) props.set(prop, String(value));
    }
    assert.match(String(compose.services.kafka.image), /^apache\/kafka:4\.1\./);
    // Addresses differ by nature; everything else must be the same.
    const addressKeys = new Set([
      'listeners',
      'advertised.listeners',
      'controller.quorum.voters',
      'log.dirs',
      'listener.security.protocol.map',
    ]);
    for (const [key, value] of local) {
      if (addressKeys.has(key)) continue;
      assert.equal(
        props.get(key),
        value,
        `compose Kafka: ${key} (KAFKA_${key.toUpperCase().replace(/\./g, '_')}) must be ${value} as in server.properties`,
      );
    }
    assert.equal(props.get('auto.create.topics.enable'), 'false');
    const listenerNames = (v: string | undefined) =>
      new Set((v ?? '').split(',').map((l) => l.split(':')[0]));
    for (const name of listenerNames(local.get('listener.security.protocol.map'))) {
      assert.ok(
        listenerNames(props.get('listener.security.protocol.map')).has(name),
        `listener ${name} is mapped`,
      );
    }
    assert.match(props.get('controller.quorum.voters') ?? '', new RegExp(`^${local.get('node.id')}@`));
  });

  void it('hands Odoo write credentials to odoo-writer only, and both Odoo profiles answer as odoo', () => {
    // odoo-seed loads master data with the writer's key before the platform runs (compose profile odoo).
    const odooSide = new Set(['odoo', 'odoo-init', 'odoo-seed', 'odoo-simulator', 'odoo-db']);
    for (const [name, svc] of Object.entries(compose.services)) {
      if (odooSide.has(name)) continue;
      const hasWriteKey =
        Object.keys(svc.environment ?? {}).some((k) => /^ODOO_API_KEY(_FILE)?$/.test(k)) ||
        [...composeSecretMounts(svc).values()].includes('odoo_api_key');
      assert.equal(hasWriteKey, name === 'odoo-writer', `${name}: only odoo-writer holds the Odoo write key`);
    }
    assert.deepEqual(compose.services.odoo.profiles, ['odoo']);
    assert.deepEqual(compose.services['odoo-simulator'].profiles, ['simulator']);
    assert.ok(compose.services['odoo-simulator'].networks?.default?.aliases?.includes('odoo'));
    for (const [name, svc] of Object.entries(compose.services)) {
      const url = svc.environment?.ODOO_URL;
      if (url !== undefined) assert.equal(new URL(String(url)).host, 'odoo:8069', `${name}: ODOO_URL`);
    }
  });

  void it('covers every credential reference of the partner catalog for the gateway', () => {
    const svc = compose.services['ingress-gateway'];
    assert.ok(svc, 'ingress-gateway is not in docker-compose.yml');
    const env = svc.environment ?? {};
    const mounts = composeSecretMounts(svc);
    for (const ref of partnerCredentialRefs()) {
      if (ref.kind === 'env') {
        assert.ok(
          ref.target in env || `${ref.target}_FILE` in env,
          `gateway: ${ref.target} (credential ${ref.keyId})`,
        );
        const file = env[`${ref.target}_FILE`];
        if (file !== undefined)
          assert.ok(mounts.has(String(file)), `gateway: ${ref.target}_FILE points at a mounted secret`);
      } else {
        assert.ok(mounts.has(ref.target), `gateway: ${ref.target} (credential ${ref.keyId}) is mounted`);
      }
    }
  });

  void it('seeds the real Odoo with the master data (odoo-seed) before the Odoo-side services start', () => {
    const seed = compose.services['odoo-seed'];
    assert.ok(seed, 'an odoo-seed job');
    assert.deepEqual(seed.profiles, ['odoo']);
    assert.deepEqual(seed.command, ['odoo-seed']);
    assert.equal(
      (seed.depends_on as Record<string, { condition: string }>).odoo?.condition,
      'service_healthy',
    );
    const { env, fromSecrets } = composeEnvironment(seed, variablesOf(seedConfig));
    assert.deepEqual(productionProblems(seedConfig, env), [], 'odoo-seed would not start');
    assert.equal(fromSecrets.get('ODOO_API_KEY'), '/run/secrets/odoo_api_key');
    assert.ok(composeSecretMounts(seed).has('/run/secrets/odoo_api_key'));
    assert.match(readText('deploy/docker/entrypoint.sh'), /odoo-seed\) .*tools\/odoo\/seed-masterdata\.js/);
    for (const service of ['order-intake', 'odoo-writer']) {
      const deps = compose.services[service].depends_on as Record<string, { condition: string }>;
      assert.equal(
        deps['odoo-seed']?.condition,
        'service_completed_successfully',
        `${service} waits for the seed`,
      );
    }
  });

  void it('runs the schemas job and every service against a secured Kafka and registry with compose.secured.yml', async () => {
    const overrideText = readText('deploy/docker/compose.secured.yml');
    assert.deepEqual(
      composeSchemaProblems(overrideText),
      [],
      'compose.secured.yml follows the Compose Specification',
    );
    const override = loadCompose(overrideText);
    assert.deepEqual(
      missingFrom([...SERVICES, 'schemas'], Object.keys(override.services)),
      [],
      'add these services to deploy/docker/compose.secured.yml',
    );
    const merged = mergeCompose(compose, override);
    // What the operator exports (compose refuses to start without them: `${X:?}`).
    const shell = {
      KAFKA_BROKERS: 'kafka-0.example.com:9093',
      KAFKA_SASL_USERNAME: 'tradewind',
      SCHEMA_REGISTRY_URL: 'https://registry.example.com/apis/ccompat/v7',
      SCHEMA_REGISTRY_USERNAME: 'tradewind',
    };
    for (const name of [...SERVICES, 'schemas']) {
      const svc = merged.services[name];
      const config = name === 'schemas' ? undefined : await serviceConfigSpec(name);
      const { env, fromSecrets } = composeEnvironment(
        svc,
        config ? variablesOf(config.spec) : new Map<string, never>(),
        shell,
      );
      for (const key of ['KAFKA_SASL_PASSWORD', 'SCHEMA_REGISTRY_PASSWORD']) {
        const file = fromSecrets.get(key);
        assert.ok(file, `${name}: ${key} from a secret file`);
        const secret = composeSecretMounts(svc).get(file);
        assert.ok(secret && merged.secrets?.[secret], `${name}: ${file} is a declared, mounted secret`);
      }
      assert.equal(env.KAFKA_SSL, 'true', `${name}: TLS`);
      if (config) {
        assert.deepEqual(productionProblems(config.spec, env), [], `${name} with the secured settings`);
        assert.equal(env.KAFKA_SASL_MECHANISM, 'scram-sha-512');
      } else {
        // The job reads the same variables as the services (tools/schemas/register.ts).
        assert.deepEqual(kafkaSecurityFromEnv(env), {
          ssl: true,
          sasl: { mechanism: 'scram-sha-512', username: 'tradewind', password: env.KAFKA_SASL_PASSWORD },
        });
        assert.equal(env.REGISTRY_URL, shell.SCHEMA_REGISTRY_URL);
      }
    }
  });

  void it('keeps secret files out of git', () => {
    for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
      assert.ok(secret.file, `secret ${name} comes from a file`);
      assert.match(
        secret.file,
        /^\.\/deploy\/docker\/secrets\//,
        `secret ${name} lives in deploy/docker/secrets/`,
      );
      const ignored = spawnOk('git', ['check-ignore', '-q', secret.file.slice(2)]);
      assert.ok(ignored, `${secret.file} is git-ignored`);
    }
    const initScript = readText('deploy/docker/secrets/init.sh');
    for (const name of Object.keys(compose.secrets ?? {})) {
      if (!name.startsWith('partner-'))
        assert.ok(initScript.includes(`put ${name} `), `init.sh creates ${name}`);
    }
  });

  void it('mounts files and images that exist', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const volume of svc.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('./')) assert.ok(fs.existsSync(repoPath(source)), `${name}: ${source} exists`);
      }
      assert.ok(svc.image && interpolate(svc.image) !== '', `${name} has an image`);
    }
  });
});

function loadHttpPort(spec: Parameters<typeof productionProblems>[0], env: Record<string, string>): number {
  const variable = variablesOf(spec).get('HTTP_PORT');
  assert.ok(variable, 'the configuration defines HTTP_PORT');
  return env.HTTP_PORT !== undefined ? Number(env.HTTP_PORT) : Number(variable.spec.default);
}

function spawnOk(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { cwd: repoPath(), stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

void describe('deployment: deploy/docker', () => {
  const dockerfile = readText('deploy/docker/Dockerfile');
  const entrypoint = readText('deploy/docker/entrypoint.sh');

  void it('builds from node:24-slim in stages and runs as a non-root user with a health check', () => {
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:24-slim$/m);
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 3, 'multi-stage');
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /^USER \d+:\d+$/m, 'a numeric non-root user (runAsNonRoot can verify it)');
    assert.doesNotMatch(dockerfile, /^USER (0|root)\b/m);
    assert.match(dockerfile, /^HEALTHCHECK .*healthcheck\.js/ms);
    assert.match(readText('deploy/docker/healthcheck.js'), /\/health\/\$\{kind\}/);
  });

  void it('copies into the image what the entrypoint starts', () => {
    for (const dir of ['libs', 'services', 'tools/schemas', 'tools/odoo', 'schemas', 'config']) {
      assert.match(
        dockerfile,
        new RegExp(`^COPY ${dir.replace('/', '\\/')} `, 'm'),
        `the build copies ${dir}`,
      );
    }
    assert.match(entrypoint, /services\/\$SERVICE\/src\/main\.js/);
    assert.match(entrypoint, /tools\/schemas\/register\.js/);
    assert.ok(fs.existsSync(repoPath('tools/schemas/register.ts')));
    assert.match(entrypoint, /tools\/odoo\/seed-masterdata\.js/);
    assert.ok(fs.existsSync(repoPath('tools/odoo/seed-masterdata.ts')));
    assert.match(readText('deploy/docker/build.js'), /'tools\/odoo'/, 'build.js compiles tools/odoo');
    assert.match(entrypoint, /libs\/odoo\/simulator\/src\/main\.js/);
    assert.ok(fs.existsSync(repoPath('libs/odoo/simulator/src/main.ts')));
    const ignored = readText('.dockerignore').split('\n');
    for (const needed of [
      'libs',
      'services',
      'schemas',
      'config',
      'tools/schemas',
      'tools/odoo',
      'package-lock.json',
    ]) {
      assert.ok(!ignored.includes(needed), `.dockerignore keeps ${needed} in the context`);
    }
  });
});

void describe('deployment: helm/tradewind', () => {
  const renders = renderAll();
  const objects = objectsOf(renders.defaults);
  const values = chartValues() as {
    services: Record<
      string,
      {
        port: number;
        odoo?: string;
        autoscaling?: { enabled?: boolean; maxReplicas?: number; consumerLag?: { group?: string } };
      }
    >;
  };

  void it('passes helm lint --strict with the default and the production values', () => {
    for (const [label, lint] of Object.entries(renders.lint)) {
      assert.ok(lint.ok, `helm lint (${label} values):\n${lint.output}`);
      const beyondInfo = lint.output.split('\n').filter((l) => l !== '' && !l.startsWith('[INFO]'));
      assert.deepEqual(beyondInfo, [], `helm lint (${label} values) warns`);
    }
  });

  void it(`validates every rendered object against the Kubernetes ${KUBERNETES_SCHEMA_VERSION} and Prometheus Operator schemas`, () => {
    const kinds = new Set<string>();
    for (const [label, manifests] of Object.entries({
      default: renders.defaults,
      production: renders.production,
      alternative: renders.alternative,
    })) {
      const problems = manifests.flatMap((m) =>
        schemaProblems(m.object).map((p) => `${label} values, ${m.source}: ${p}`),
      );
      assert.deepEqual(problems, []);
      for (const m of manifests) kinds.add(m.object.kind);
    }
    for (const kind of [
      'Deployment',
      'Service',
      'ConfigMap',
      'Job',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'ServiceMonitor',
      'PrometheusRule',
    ])
      assert.ok(kinds.has(kind), `the renders contain a ${kind}, so its schema was checked`);
  });

  void it('supports the Kubernetes versions the schemas are checked at', () => {
    const chart = YAML.parse(readText('helm/tradewind/Chart.yaml')) as { kubeVersion: string };
    // The lowest version the chart accepts is the one the schemas come from: nothing older is claimed.
    const lowest = /^>=\s*(\d+\.\d+)\.\d+(-0)?$/.exec(chart.kubeVersion)?.[1];
    assert.equal(lowest, KUBERNETES_SCHEMA_VERSION.split('.').slice(0, 2).join('.'), chart.kubeVersion);
  });

  void it('names objects in DNS-1123 and renders no Secret (secrets by reference only)', () => {
    for (const manifests of [renders.defaults, renders.production, renders.alternative]) {
      for (const o of objectsOf(manifests)) {
        assert.match(
          o.metadata.name,
          /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
          `${o.kind} ${o.metadata.name}: a DNS-1123 name`,
        );
        assert.ok(o.metadata.name.length <= 63, `${o.kind} ${o.metadata.name}: at most 63 characters`);
      }
      assert.equal(objectsOf(manifests).filter((o) => o.kind === 'Secret').length, 0, 'no Secret');
    }
    assert.ok(fs.existsSync(path.join(CHART_DIR, 'templates', 'NOTES.txt')));
  });

  void it('has every service under services/ in values.services', () => {
    assert.deepEqual(
      missingFrom(SERVICES, Object.keys(values.services)),
      [],
      'add these services to helm/tradewind/values.yaml',
    );
  });

  for (const service of SERVICES) {
    void it(`${service}: Deployment, Service, PDB and ServiceMonitor that fit together`, () => {
      const name = `${RELEASE}-${service}`;
      const deployment = find(objects, 'Deployment', name);
      assert.ok(deployment, `Deployment ${name}`);
      const pod = podOf(deployment);
      const podLabels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } })
        .template.metadata.labels;
      const matches = (selector: Record<string, string> | undefined) =>
        selector !== undefined && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
      assert.ok(
        matches(
          (deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
        ),
      );
      const container = pod.containers[0];
      const port = values.services[service].port;
      assert.equal(container.ports?.find((p) => p.name === 'http')?.containerPort, port);
      assert.equal(container.livenessProbe?.httpGet?.path, '/health/live');
      assert.equal(container.readinessProbe?.httpGet?.path, '/health/ready');
      assert.ok(
        container.resources?.requests?.memory && container.resources.limits?.memory,
        'memory request and limit',
      );
      assert.equal(pod.securityContext?.runAsNonRoot, true);
      assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
      assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
      assert.equal(container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, true);
      // Spread over zones and nodes, each constraint selecting this service's pods only.
      const spread = pod.topologySpreadConstraints ?? [];
      assert.deepEqual(
        spread.map((c) => c.topologyKey),
        ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'],
        'topology spread over zones, then nodes',
      );
      for (const c of spread) assert.ok(matches(c.labelSelector.matchLabels), `${c.topologyKey}: own pods`);

      const svc = find(objects, 'Service', name);
      assert.ok(svc, `Service ${name}`);
      assert.ok(
        matches((svc.spec as { selector: Record<string, string> }).selector),
        'the Service selects the pods',
      );
      const pdb = find(objects, 'PodDisruptionBudget', name);
      assert.ok(
        pdb &&
          matches((pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels),
        `PDB ${name}`,
      );
      const monitor = find(objects, 'ServiceMonitor', name);
      assert.ok(monitor, `ServiceMonitor ${name}`);
      assert.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
      const mspec = monitor.spec as {
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string; path: string }[];
      };
      assert.ok(
        Object.entries(mspec.selector.matchLabels).every(([k, v]) => svc.metadata.labels?.[k] === v),
        'the ServiceMonitor selects the Service',
      );
      assert.deepEqual(
        mspec.endpoints.map((e) => [e.port, e.path]),
        [['http', '/metrics']],
      );
    });

    for (const [label, rendered] of [
      ['default', renders.defaults],
      ['production', renders.production],
    ] as const)
      void it(`${service}: the chart (${label} values) sets every variable its configuration requires, secrets by reference`, async (t) => {
        const all = objectsOf(rendered);
        const deployment = find(all, 'Deployment', `${RELEASE}-${service}`);
        assert.ok(deployment);
        const container = podOf(deployment).containers[0];
        const config = await serviceConfigSpec(service);
        const variables = variablesOf(config.spec);
        const { env, fromSecrets, plain } = containerEnv(container, all, variables);
        assert.equal(env.NODE_ENV, 'production');
        assert.equal(env.SERVICE, service, 'SERVICE picks the process in the image');
        assert.deepEqual(
          productionProblems(config.spec, env),
          [],
          `${service} would not start (checked with ${config.source})`,
        );
        for (const [key, variable] of variables) {
          if (variable.sensitive && plain.has(key))
            assert.fail(`${service}: ${key} is sensitive and set in plain text`);
        }
        assert.equal(Number(env.HTTP_PORT), values.services[service].port);
        if (!config.complete) {
          t.diagnostic(`${service}: ${config.source}; its own variables are not checked yet`);
          return;
        }
        const unknown = Object.keys(env).filter((k) => !variables.has(k) && !SERVICE_CONFIG_ENTRIES.has(k));
        assert.deepEqual(unknown, [], `${service}: variables ${config.source} does not define`);
        assert.equal(
          fromSecrets.has('ODOO_API_KEY'),
          service === 'odoo-writer',
          'only odoo-writer holds the Odoo write key',
        );
      });
  }

  void it('scales every consumer service on its consumer lag, never beyond the partitions it consumes', () => {
    const consumers = new Map<string, number>();
    for (const topic of CATALOG) {
      for (const consumer of topic.consumers) {
        consumers.set(consumer, Math.min(consumers.get(consumer) ?? Infinity, topic.partitions));
      }
    }
    for (const service of SERVICES) {
      const partitions = consumers.get(service);
      if (partitions === undefined) continue;
      const hpa = find(objects, 'HorizontalPodAutoscaler', `${RELEASE}-${service}`);
      assert.ok(hpa, `${service} consumes topics: it needs an HPA on consumer lag`);
      const spec = hpa.spec as {
        maxReplicas: number;
        scaleTargetRef: { kind: string; name: string };
        metrics: {
          type: string;
          external?: { metric: { name: string; selector: { matchLabels: Record<string, string> } } };
        }[];
      };
      assert.deepEqual(spec.scaleTargetRef, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: `${RELEASE}-${service}`,
      });
      // The odoo-writer scales on its lag only while its Odoo breaker is closed (see the next test).
      const metric =
        service === 'odoo-writer'
          ? 'tradewind_consumer_lag_records_breaker_closed'
          : 'tradewind_consumer_lag_records';
      const lag = spec.metrics.find((m) => m.type === 'External' && m.external?.metric.name === metric);
      assert.ok(lag, `${service}: an External metric ${metric}`);
      assert.ok(
        lag.external?.metric.selector.matchLabels.group,
        `${service}: the lag metric selects its consumer group`,
      );
      assert.ok(
        spec.maxReplicas <= partitions,
        `${service}: maxReplicas ${spec.maxReplicas} > ${partitions} partitions (extra replicas idle)`,
      );
    }
    assert.ok(
      definedMetrics().some((m) => m.name === 'tradewind_consumer_lag_records'),
      'the code exports the lag metric',
    );
  });

  void it('does not scale the odoo-writer up while its Odoo breaker is open', () => {
    // prometheus-adapter serves the HPA's metric from this recording rule (README.md): absent while the
    // breaker is open or half-open, so the HPA holds the replica count.
    const rules = (
      YAML.parse(readText('deploy/prometheus/alerts.yml')) as {
        groups: { rules: { record?: string; expr: string }[] }[];
      }
    ).groups.flatMap((g) => g.rules);
    const rule = rules.find((r) => r.record === 'tradewind:consumer_lag_records:breaker_closed');
    assert.ok(rule, 'the recording rule tradewind:consumer_lag_records:breaker_closed');
    assert.match(rule.expr, /tradewind_consumer_lag_records\{group="odoo-writer"\}/);
    assert.match(
      rule.expr,
      /unless on \(namespace\) \(max by \(namespace\) \(tradewind_odoo_circuit_breaker_state\) > 0\)/,
    );
    assert.match(readText('helm/tradewind/README.md'), /tradewind:consumer_lag_records:breaker_closed/);
  });

  void it('registers schemas in a pre-install/pre-upgrade hook, over TLS and SASL when the services use them', () => {
    const jobOf = (manifests: Manifest[]) => {
      const job = objectsOf(manifests).find((o) => o.kind === 'Job');
      assert.ok(job, 'the schemas Job');
      return job;
    };
    const job = jobOf(renders.defaults);
    assert.equal(job.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
    const container = podOf(job).containers[0];
    assert.deepEqual(container.args, ['schemas-register']);
    assert.equal(podOf(job).securityContext?.runAsNonRoot, true);
    assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
    assert.ok(container.resources?.limits?.memory, 'a memory limit');
    const names = (container.env ?? []).map((e) => e.name);
    for (const needed of ['REGISTRY_URL', 'KAFKA_BROKERS', 'KAFKA_REPLICATION_FACTOR', 'KAFKA_SSL'])
      assert.ok(names.includes(needed), needed);

    // A secured cluster: the same variables as the services, credentials by reference.
    const secured = podOf(jobOf(renders.production)).containers[0];
    const env = new Map((secured.env ?? []).map((e) => [e.name, e]));
    assert.equal(env.get('KAFKA_SSL')?.value, 'true');
    assert.equal(env.get('KAFKA_SASL_MECHANISM')?.value, 'scram-sha-512');
    for (const key of [
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'SCHEMA_REGISTRY_USERNAME',
      'SCHEMA_REGISTRY_PASSWORD',
    ])
      assert.ok(env.get(key)?.valueFrom?.secretKeyRef, `schemas job: ${key} from a Secret`);
    const register = readText('tools/schemas/register.ts');
    for (const key of ['KAFKA_SASL_MECHANISM', 'SCHEMA_REGISTRY_USERNAME', 'KAFKA_SSL'])
      assert.ok(register.includes(key), `tools/schemas/register.ts reads ${key}`);
  });

  void it('mounts the partner catalog from a ConfigMap and the partner key secrets where the catalog says', () => {
    const cm = find(objects, 'ConfigMap', `${RELEASE}-partner-catalog`);
    assert.ok(cm, 'the partner catalog ConfigMap');
    assert.equal(cm.data?.['catalog.yaml'], readText('config/partners/catalog.yaml').replace(/\n$/, ''));
    const xref = fs.readdirSync(repoPath('config/partners/xref')).filter((f) => f.endsWith('.yaml'));
    for (const file of xref)
      assert.equal(cm.data?.[`xref.${file}`], readText(`config/partners/xref/${file}`).replace(/\n$/, ''));
    const gateway = find(objects, 'Deployment', `${RELEASE}-ingress-gateway`);
    assert.ok(gateway);
    const pod = podOf(gateway);
    const container = pod.containers[0];
    const { env } = containerEnv(container, objects, new Map());
    const mount = container.volumeMounts?.find((m) => m.mountPath === env.PARTNER_CATALOG_DIR);
    assert.ok(mount, 'PARTNER_CATALOG_DIR is where the catalog is mounted');
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    assert.equal(volume?.configMap?.name, cm.metadata.name);
    assert.deepEqual(
      volume.configMap.items?.map((i) => i.path).sort(),
      ['catalog.yaml', ...xref.map((f) => `xref/${f}`)].sort(),
    );
    const refs = partnerCredentialRefs();
    if (refs.some((r) => r.kind === 'file')) {
      for (const ref of refs.filter((r) => r.kind === 'file')) {
        assert.ok(
          container.volumeMounts?.some((m) => ref.target.startsWith(`${m.mountPath}/`)),
          `${ref.target} is mounted`,
        );
      }
    }
    if (refs.some((r) => r.kind === 'env'))
      assert.ok(
        container.envFrom?.some((e) => e.secretRef),
        'env: credential references come from a Secret',
      );
  });

  void it('ships deploy/prometheus/alerts.yml as its PrometheusRule', () => {
    const rule = objects.find((o) => o.kind === 'PrometheusRule');
    assert.ok(rule);
    assert.deepEqual(rule.spec, YAML.parse(readText('deploy/prometheus/alerts.yml')));
  });

  void it('renders the optional branches (SASL, registry auth, an existing catalog ConfigMap) consistently', async () => {
    const alt = objectsOf(renders.alternative);
    assert.equal(alt.filter((o) => o.kind === 'ServiceMonitor').length, 0);
    assert.ok(
      !find(alt, 'ConfigMap', `${RELEASE}-partner-catalog`),
      'no catalog ConfigMap with existingConfigMap',
    );
    for (const service of SERVICES) {
      const deployment = find(alt, 'Deployment', `${RELEASE}-${service}`);
      assert.ok(deployment);
      const config = await serviceConfigSpec(service);
      const { env, fromSecrets } = containerEnv(
        podOf(deployment).containers[0],
        alt,
        variablesOf(config.spec),
      );
      assert.deepEqual(productionProblems(config.spec, env), [], `${service} with SASL and registry auth`);
      for (const key of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'SCHEMA_REGISTRY_PASSWORD'])
        assert.ok(fromSecrets.has(key), `${service}: ${key}`);
    }
    const writer = find(alt, 'Deployment', `${RELEASE}-odoo-writer`);
    assert.equal((writer?.spec as { replicas?: number }).replicas, 1, 'without an HPA, replicas holds');
  });
});
