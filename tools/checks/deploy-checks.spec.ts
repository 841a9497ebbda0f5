// The deployment checks themselves: each one is run on a copy broken on purpose and must fail on it.
// Helm (lint and template through helm-java) on a broken template, the Kubernetes schemas on an invalid
// manifest field, the Compose Specification on an invalid compose key.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { composeSchemaProblems } from './compose-schema';
import { readText } from './deploy-model';
import { type HelmResult, parseManifests, renderableCopy, runHelm } from './helm';
import { schemaProblems } from './k8s-schemas';

const work = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'tw-broken-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function editFile(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} contains ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

const intact = renderableCopy(path.join(work, 'intact'));
// A template Helm cannot parse: an `if` without its `end`.
const brokenTemplate = renderableCopy(path.join(work, 'broken-template'), (dir) =>
  editFile(path.join(dir, 'templates', 'pdbs.yaml'), '{{- end }}', ''),
);
// A template that renders fine and is valid YAML, but not a valid Deployment: a number field as text.
const invalidField = renderableCopy(path.join(work, 'invalid-field'), (dir) =>
  editFile(
    path.join(dir, 'templates', 'deployments.yaml'),
    'revisionHistoryLimit: 5',
    'revisionHistoryLimit: five',
  ),
);
const [intactTemplate, brokenLint, brokenRender, invalidLint, invalidRender]: HelmResult[] = runHelm([
  { kind: 'template', chart: intact },
  { kind: 'lint', chart: brokenTemplate },
  { kind: 'template', chart: brokenTemplate },
  { kind: 'lint', chart: invalidField },
  { kind: 'template', chart: invalidField },
]);

void describe('deployment checks fail on a broken copy', () => {
  void it('helm lint and helm template refuse a broken template', () => {
    assert.ok(intactTemplate.ok, intactTemplate.output);
    assert.equal(brokenLint.ok, false, 'helm lint passed a template without its {{ end }}');
    assert.match(brokenLint.output, /pdbs\.yaml/);
    assert.equal(brokenRender.ok, false, 'helm template rendered a template without its {{ end }}');
    assert.match(brokenRender.output, /pdbs\.yaml/);
  });

  void it('the Kubernetes schemas refuse an invalid manifest field that Helm lets through', () => {
    // Helm sees nothing wrong: the field is well-formed YAML.
    assert.ok(invalidLint.ok, invalidLint.output);
    assert.ok(invalidRender.ok, invalidRender.output);
    const deployments = parseManifests(invalidRender.output).filter((m) => m.object.kind === 'Deployment');
    assert.ok(deployments.length > 0);
    for (const { object } of deployments) {
      assert.deepEqual(schemaProblems(object), [
        `Deployment/${object.metadata.name}: data/spec/revisionHistoryLimit must be integer`,
      ]);
    }
    const valid = parseManifests(intactTemplate.output).filter((m) => m.object.kind === 'Deployment');
    for (const { object } of valid) assert.deepEqual(schemaProblems(object), []);
  });

  void it('the Kubernetes schemas check the Prometheus Operator kinds too', () => {
    const manifests = parseManifests(intactTemplate.output);
    const monitor = manifests.find((m) => m.object.kind === 'ServiceMonitor')?.object;
    const rule = manifests.find((m) => m.object.kind === 'PrometheusRule')?.object;
    assert.ok(monitor && rule);
    const brokenMonitor = structuredClone(monitor);
    (brokenMonitor.spec as { endpoints: unknown }).endpoints = 'http';
    assert.match(schemaProblems(brokenMonitor).join('\n'), /spec\/endpoints must be array/);
    const brokenRule = structuredClone(rule);
    (brokenRule.spec as { groups: { rules: unknown }[] }).groups[0].rules = { record: 'x' };
    assert.match(schemaProblems(brokenRule).join('\n'), /spec\/groups\/0\/rules must be array/);
    assert.match(
      schemaProblems({ ...monitor, apiVersion: 'monitoring.coreos.com/v9' }).join('\n'),
      /no schema for monitoring\.coreos\.com\/v9 ServiceMonitor/,
    );
  });

  void it('the Compose Specification refuses an invalid compose key', () => {
    const text = readText('docker-compose.yml');
    assert.deepEqual(composeSchemaProblems(text), []);
    // `restart_policy` belongs under deploy:, not on the service.
    const broken = text.replace(
      '  kafka:\n    image: apache/kafka',
      '  kafka:\n    restart_policy: always\n    image: apache/kafka',
    );
    assert.notEqual(broken, text);
    assert.deepEqual(composeSchemaProblems(broken), [
      '/services/kafka: must NOT have additional properties (restart_policy)',
    ]);
    const unknownTop = `${text}\nnetwork:\n  default: {}\n`;
    assert.deepEqual(composeSchemaProblems(unknownTop), ['/: must NOT have additional properties (network)']);
  });
});
