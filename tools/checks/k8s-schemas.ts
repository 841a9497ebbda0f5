// Kubernetes OpenAPI validation of rendered manifests: the validators kubernetes-models generates from the
// Kubernetes API's OpenAPI schemas (its README names the version, KUBERNETES_SCHEMA_VERSION below), and
// @kubernetes-models/prometheus-operator's from the ServiceMonitor and PrometheusRule CRDs.
import fs from 'node:fs';
import path from 'node:path';

import type { K8sObject } from './helm';

/** The Kubernetes release kubernetes-models 5.1.0 is generated from: the chart's lowest supported one. */
export const KUBERNETES_SCHEMA_VERSION = '1.27.1';

interface Model {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Model;

// The packages are ESM with import-only exports, and the checks run as CommonJS: find each package's
// folder on the module search path and load the model file by its absolute path (require(esm)).
function packageDir(name: string): string {
  const searched = [...(module.paths ?? []), ...(process.env.NODE_PATH ?? '').split(path.delimiter)];
  for (const dir of searched.filter(Boolean)) {
    if (fs.existsSync(path.join(dir, name, 'package.json'))) return path.join(dir, name);
  }
  throw new Error(`${name} is not installed (npm ci)`);
}

function modelFile(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'monitoring.coreos.com')
    return path.join(packageDir('@kubernetes-models/prometheus-operator'), group, version, `${kind}.js`);
  const pkg = packageDir('kubernetes-models');
  return group === '' ? path.join(pkg, version, `${kind}.js`) : path.join(pkg, group, version, `${kind}.js`);
}

/** Schema violations of one object, `<kind>/<name><path>: <message>` each; empty when valid. */
export function schemaProblems(object: K8sObject): string[] {
  const label = `${object.kind}/${object.metadata?.name ?? '?'}`;
  const file = modelFile(String(object.apiVersion), String(object.kind));
  if (!fs.existsSync(file)) return [`${label}: no schema for ${object.apiVersion} ${object.kind}`];
  const exported = require(file) as Record<string, ModelClass>; // eslint-disable-line @typescript-eslint/no-require-imports
  const Model = exported[object.kind];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const details = (error as { details?: { instancePath?: string; message?: string }[] }).details;
    if (Array.isArray(details) && details.length > 0)
      return details.map((d) => `${label}${d.instancePath ?? ''}: ${d.message ?? 'invalid'}`);
    return [`${label}: ${(error as Error).message}`];
  }
}
