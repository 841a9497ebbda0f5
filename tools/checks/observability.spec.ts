// Static checks of what SRE runs against the platform: deploy/prometheus (scrape config, alert rules and
// their unit tests, both through the real promtool) and deploy/grafana (provisioning and dashboards),
// against the metrics the code defines, the topic catalog, docs/runbooks.md and docs/observability.md.
// A dashboard or an alert on a metric nobody exports, an alert without a runbook or a rule test, or a
// rule change that breaks its tests fails here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import YAML from 'yaml';

import {
  definedMetrics,
  exposedSeries,
  isKnownTopic,
  loadCompose,
  metricsInPromQL,
  readText,
  repoPath,
  repositoryServices,
  topicCatalog,
  topicsInPromQL,
} from './deploy-model';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

interface Target {
  refId: string;
  expr: string;
  datasource?: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { uid: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating?: { list: { name: string; type: string; query?: unknown }[] };
}

const SERVICES = repositoryServices();
const CATALOG = topicCatalog();
const METRICS = definedMetrics();
const SERIES = exposedSeries(METRICS);
const ALERTS_FILE = 'deploy/prometheus/alerts.yml';
const ALERTS = YAML.parse(readText(ALERTS_FILE)) as RuleFile;
const RULES = ALERTS.groups.flatMap((g) => g.rules);
const RECORDED = new Set(RULES.flatMap((r) => (r.record ? [r.record] : [])));
const TESTS_DIR = 'deploy/prometheus/tests';
const DASHBOARDS_DIR = 'deploy/grafana/dashboards';
// Series from Prometheus itself and kube-state-metrics (alerts only).
const external = (name: string) => name === 'up' || name.startsWith('kube_');

/** The alerts issue 16 asks for, each by the name the rules give it. */
const REQUIRED_ALERTS = [
  'TradewindIntakeErrorRatio',
  'TradewindOrdersStuck',
  'TradewindDeadLetters',
  'TradewindOdooCircuitOpen',
  'TradewindAcknowledgementSlaBreached',
  'TradewindReconciliationDiscrepancy',
  'TradewindConsumerLagGrowing',
];

const scratch: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'tw-observability-'));
  scratch.push(dir);
  return dir;
}
after(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** promtool, required: `./tradewind setup` installs Debian's prometheus package. */
function promtool(args: string[], cwd = repoPath()): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  assert.ok(
    result.error === undefined,
    `promtool is not installed: run ./tradewind setup (Debian package prometheus): ${String(result.error)}`,
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** GitHub's anchor of a Markdown heading. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  return new Set(
    markdown
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => headingAnchor(l.replace(/^#+ /, ''))),
  );
}

function dashboards(): { file: string; model: Dashboard }[] {
  return fs
    .readdirSync(repoPath(DASHBOARDS_DIR))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, model: JSON.parse(readText(`${DASHBOARDS_DIR}/${file}`)) as Dashboard }));
}

function panelsOf(model: Dashboard): Panel[] {
  return model.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** A dashboard's PromQL as Prometheus would get it: Grafana's variables replaced by plain values. */
export function withGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/"\$\{?\w+\}?"/g, '".*"')
    .replace(/\$\{?\w+\}?/g, 'x');
}

const provisionedDatasource = (): string =>
  (
    YAML.parse(readText('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string }[];
    }
  ).datasources[0].uid;

void describe('observability: the metrics', () => {
  void it('finds the metrics the code defines, each under one type', () => {
    assert.ok(METRICS.length >= 20, `only ${METRICS.length} metric definitions found`);
    assert.ok(SERIES.has('tradewind_transaction_stage_seconds_bucket'));
    const types = new Map<string, string>();
    for (const m of METRICS) {
      assert.equal(types.get(m.name) ?? m.type, m.type, `${m.name} is defined as two types`);
      types.set(m.name, m.type);
    }
  });

  void it('follows one naming scheme: tradewind_ prefix, base units, _total only on counters', () => {
    for (const m of METRICS) {
      assert.match(m.name, /^tradewind_[a-z0-9_]+$/, `${m.file}: ${m.name}`);
      if (m.type === 'counter') assert.match(m.name, /_total$/, `${m.file}: ${m.name}`);
      else assert.doesNotMatch(m.name, /_total$/, `${m.file}: ${m.name}`);
      assert.doesNotMatch(m.name, /_(ms|milliseconds|minutes|kb|mb)(_|$)/, `${m.file}: ${m.name}`);
    }
  });

  void it('documents every metric in docs/observability.md', () => {
    const doc = readText('docs/observability.md');
    const missing = [...new Set(METRICS.map((m) => m.name))].filter((name) => !doc.includes(`\`${name}\``));
    assert.deepEqual(missing, [], 'add these metrics to docs/observability.md');
  });
});

void describe('observability: deploy/prometheus', () => {
  void it('scrapes /metrics of every service, on the port compose gives it', () => {
    const config = YAML.parse(readText('deploy/prometheus/prometheus.yml'), { merge: true }) as {
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        metrics_path?: string;
        dns_sd_configs?: { names: string[]; port: number }[];
        static_configs?: { targets: string[] }[];
      }[];
    };
    assert.ok(config.rule_files.some((f) => f.endsWith('alerts.yml')));
    const compose = loadCompose();
    for (const service of SERVICES) {
      const job = config.scrape_configs.find((j) => j.job_name === service);
      assert.ok(job, `a scrape job for ${service}`);
      assert.equal(job.metrics_path ?? '/metrics', '/metrics');
      const port =
        job.dns_sd_configs?.[0]?.port ?? Number(job.static_configs?.[0]?.targets[0]?.split(':')[1]);
      assert.equal(
        String(port),
        String(compose.services[service]?.environment?.HTTP_PORT),
        `${service}: scrape port`,
      );
    }
  });

  void it('alerts on metrics that exist, on catalog topics, and keeps business and technical apart', () => {
    for (const rule of RULES) {
      const label = rule.alert ?? rule.record ?? '?';
      for (const name of metricsInPromQL(rule.expr)) {
        assert.ok(
          SERIES.has(name) || RECORDED.has(name) || external(name),
          `${label}: ${name} is not a metric the code defines`,
        );
      }
      for (const topic of topicsInPromQL(rule.expr)) {
        assert.ok(isKnownTopic(topic, CATALOG), `${label}: topic ${topic} is not in schemas/topics.yaml`);
      }
      if (rule.alert) {
        assert.ok(
          ['business', 'technical'].includes(rule.labels?.category ?? ''),
          `${label}: category business or technical`,
        );
        assert.ok(rule.labels?.severity, `${label}: severity`);
      }
    }
  });

  void it('has the alerts SRE asked for, each with a runbook that exists', () => {
    const names = RULES.flatMap((r) => (r.alert ? [r.alert] : []));
    assert.deepEqual(
      REQUIRED_ALERTS.filter((a) => !names.includes(a)),
      [],
      'alerts missing from alerts.yml',
    );
    const anchors = anchorsOf(readText('docs/runbooks.md'));
    for (const rule of RULES.filter((r) => r.alert)) {
      const url = rule.annotations?.runbook_url ?? '';
      const match = /^docs\/runbooks\.md#([a-z0-9-]+)$/.exec(url);
      assert.ok(match, `${rule.alert}: runbook_url docs/runbooks.md#<anchor>, got "${url}"`);
      assert.ok(anchors.has(match[1]), `${rule.alert}: docs/runbooks.md has no heading for #${match[1]}`);
    }
  });

  void it('passes promtool check rules and check config', () => {
    const rules = promtool(['check', 'rules', ALERTS_FILE]);
    assert.equal(rules.status, 0, rules.output);
    // rule_files is an absolute container path: check the config beside a copy of the rules.
    const copy = tempDir();
    const text = readText('deploy/prometheus/prometheus.yml').replace(
      '/etc/prometheus/alerts.yml',
      path.join(copy, 'alerts.yml'),
    );
    fs.writeFileSync(path.join(copy, 'prometheus.yml'), text);
    fs.copyFileSync(repoPath(ALERTS_FILE), path.join(copy, 'alerts.yml'));
    const config = promtool(['check', 'config', path.join(copy, 'prometheus.yml')]);
    assert.equal(config.status, 0, config.output);
  });

  void it('passes its rule unit tests (promtool test rules), one test at least per alert asked for', () => {
    const files = fs.readdirSync(repoPath(TESTS_DIR)).filter((f) => f.endsWith('.yml'));
    assert.ok(files.length > 0, `no rule tests in ${TESTS_DIR}`);
    const tested = new Set<string>();
    for (const file of files) {
      const doc = YAML.parse(readText(`${TESTS_DIR}/${file}`)) as {
        rule_files: string[];
        tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
      };
      assert.deepEqual(doc.rule_files, ['../alerts.yml'], `${file} tests ${ALERTS_FILE}`);
      for (const test of doc.tests)
        for (const t of test.alert_rule_test ?? []) if (t.exp_alerts.length > 0) tested.add(t.alertname);
    }
    assert.deepEqual(
      REQUIRED_ALERTS.filter((a) => !tested.has(a)),
      [],
      'alerts without a test that makes them fire',
    );
    const run = promtool(['test', 'rules', ...files], repoPath(TESTS_DIR));
    assert.equal(run.status, 0, run.output);
  });

  void it('fails its rule tests when a rule is broken (the tests test something)', () => {
    // A copy of the rules and tests where the breaker alert fires after 1 minute instead of 5.
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'tests'));
    const broken = YAML.parse(readText(ALERTS_FILE)) as RuleFile;
    const rule = broken.groups.flatMap((g) => g.rules).find((r) => r.alert === 'TradewindOdooCircuitOpen');
    assert.ok(rule);
    assert.equal(rule.for, '5m');
    rule.for = '1m';
    fs.writeFileSync(path.join(dir, 'alerts.yml'), YAML.stringify(broken));
    const files = fs.readdirSync(repoPath(TESTS_DIR)).filter((f) => f.endsWith('.yml'));
    for (const file of files) fs.copyFileSync(repoPath(TESTS_DIR, file), path.join(dir, 'tests', file));
    assert.equal(promtool(['check', 'rules', path.join(dir, 'alerts.yml')]).status, 0, 'still valid rules');
    const run = promtool(['test', 'rules', ...files], path.join(dir, 'tests'));
    assert.notEqual(run.status, 0, 'promtool test rules passed on a broken rule');
    assert.match(run.output, /TradewindOdooCircuitOpen/);
  });
});

void describe('observability: deploy/grafana', () => {
  void it('provisions the datasource and the dashboards folder that compose mounts', () => {
    const datasource = YAML.parse(readText('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; url: string; type: string }[];
    };
    assert.equal(datasource.datasources[0].type, 'prometheus');
    assert.equal(new URL(datasource.datasources[0].url).host, 'prometheus:9090');
    const provider = YAML.parse(readText('deploy/grafana/provisioning/dashboards/tradewind.yml')) as {
      providers: { type: string; options: { path: string } }[];
    };
    assert.equal(provider.providers[0].type, 'file');
    const mounts = loadCompose().services.grafana.volumes ?? [];
    assert.ok(
      mounts.some(
        (m) =>
          m.startsWith('./deploy/grafana/dashboards:') &&
          m.split(':')[1] === provider.providers[0].options.path,
      ),
      'compose mounts deploy/grafana/dashboards where the provider reads',
    );
  });

  void it('has valid dashboard models: unique uids, panel ids and refIds, a 24-column grid without overlaps', () => {
    const uid = provisionedDatasource();
    const uids = new Set<string>();
    for (const { file, model } of dashboards()) {
      assert.match(model.uid, /^[a-z0-9-]{1,40}$/, `${file}: uid`);
      assert.ok(!uids.has(model.uid), `${file}: uid ${model.uid} is used twice`);
      uids.add(model.uid);
      assert.ok(model.title, `${file}: title`);
      assert.equal(typeof model.schemaVersion, 'number', `${file}: schemaVersion`);
      assert.ok(Array.isArray(model.panels) && model.panels.length > 0, `${file}: panels`);
      const ids = new Set<number>();
      const cells = new Set<string>();
      const variables = new Set((model.templating?.list ?? []).map((v) => v.name));
      for (const panel of panelsOf(model)) {
        const where = `${file} panel ${panel.id} "${panel.title}"`;
        assert.ok(Number.isInteger(panel.id) && !ids.has(panel.id), `${where}: a unique integer id`);
        ids.add(panel.id);
        assert.ok(
          ['row', 'timeseries', 'stat', 'table', 'bargauge', 'gauge', 'text', 'piechart'].includes(
            panel.type,
          ),
          `${where}: type ${panel.type}`,
        );
        const { h, w, x, y } = panel.gridPos;
        assert.ok(x >= 0 && w > 0 && x + w <= 24 && h > 0 && y >= 0, `${where}: gridPos inside 24 columns`);
        for (let row = y; row < y + h; row++)
          for (let col = x; col < x + w; col++) {
            assert.ok(!cells.has(`${row}:${col}`), `${where}: overlaps another panel`);
            cells.add(`${row}:${col}`);
          }
        if (panel.type === 'row' || panel.type === 'text') continue;
        assert.equal(panel.datasource?.uid, uid, `${where}: the provisioned datasource`);
        const targets = panel.targets ?? [];
        assert.ok(targets.length > 0, `${where}: a query`);
        assert.equal(new Set(targets.map((t) => t.refId)).size, targets.length, `${where}: refIds unique`);
        for (const target of targets) {
          for (const used of target.expr.matchAll(/\$\{?(\w+)\}?/g)) {
            if (!used[1].startsWith('__'))
              assert.ok(variables.has(used[1]), `${where}: variable $${used[1]} is not defined`);
          }
        }
      }
    }
  });

  void it('queries only metrics the code defines, on catalog topics, in PromQL that Prometheus parses', () => {
    const exprs: string[] = [];
    for (const { file, model } of dashboards()) {
      for (const panel of panelsOf(model)) {
        for (const target of panel.targets ?? []) {
          exprs.push(withGrafanaVariables(target.expr));
          for (const name of metricsInPromQL(withGrafanaVariables(target.expr))) {
            assert.ok(
              SERIES.has(name) || RECORDED.has(name),
              `${file} "${panel.title}": ${name} is not a metric the code defines`,
            );
          }
          for (const topic of topicsInPromQL(target.expr))
            assert.ok(isKnownTopic(topic, CATALOG), `${file} "${panel.title}": topic ${topic}`);
        }
      }
    }
    // Prometheus's own parser: every query as a recording rule of a scratch file.
    const dir = tempDir();
    const file = path.join(dir, 'dashboard-queries.yml');
    const rules = exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr }));
    fs.writeFileSync(file, YAML.stringify({ groups: [{ name: 'dashboards', rules }] }));
    const check = promtool(['check', 'rules', file]);
    assert.equal(check.status, 0, check.output);
  });

  void it('shows SRE a technical and a business dashboard with what each is for', () => {
    const byUid = new Map(dashboards().map((d) => [d.model.uid, d.model]));
    const queries = (uid: string): string => {
      const model = byUid.get(uid);
      assert.ok(model, `a dashboard with uid ${uid}`);
      return panelsOf(model)
        .flatMap((p) => (p.targets ?? []).map((t) => t.expr))
        .join('\n');
    };
    const technical = queries('tradewind-technical');
    for (const needed of [
      'tradewind_transactions_total', // throughput
      'tradewind_messages_consumed_total',
      'tradewind_consumer_lag_records',
      'tradewind_message_dead_letters_total', // errors
      'tradewind_message_retries_total',
      'tradewind_gateway_requests_total',
      'tradewind_odoo_calls_total', // Odoo health
      'tradewind_odoo_call_duration_seconds_bucket',
      'tradewind_odoo_circuit_breaker_state',
      'tradewind_partner_deliveries_total', // partner delivery
      'tradewind_outbox_pending_messages',
    ])
      assert.ok(technical.includes(needed), `the technical dashboard shows ${needed}`);
    const business = queries('tradewind-business');
    for (const needed of [
      'tradewind_transactions_total', // orders by partner and state
      'tradewind_transactions_open',
      'tradewind_transaction_rejections_total', // rejections by reason
      'tradewind_acknowledgements_overdue', // acks overdue
      'tradewind_transaction_stage_seconds_bucket', // end to end
      'tradewind_invoices_unmatched_cash_entries', // unmatched payments
      'tradewind_reconciliation_complete', // completeness
    ])
      assert.ok(business.includes(needed), `the business dashboard shows ${needed}`);
  });

  void it('reads PromQL as intended (the extraction the checks above rely on)', () => {
    assert.deepEqual(
      metricsInPromQL(
        'histogram_quantile(0.99, sum by (le, topic) (rate(a_seconds_bucket{topic="x"}[5m]))) > 1e3 and on (g) b',
      ),
      ['a_seconds_bucket', 'b'],
    );
    assert.deepEqual(
      topicsInPromQL('x{topic="odoo.commands", group=~"a|b"} + y{topic=~"ingress.documents|orders.state"}'),
      ['odoo.commands', 'ingress.documents', 'orders.state'],
    );
    assert.ok(isKnownTopic('odoo.commands.odoo-writer.dlq', CATALOG));
    assert.ok(!isKnownTopic('odoo.command', CATALOG));
    assert.equal(
      withGrafanaVariables('sum(rate(a_total{partner=~"$partner"}[$__rate_interval]))'),
      'sum(rate(a_total{partner=~".*"}[5m]))',
    );
    assert.equal(headingAnchor("Partners' orders are refused"), 'partners-orders-are-refused');
    assert.equal(headingAnchor('The gateway answers 503 or 504'), 'the-gateway-answers-503-or-504');
  });
});
