// Helm itself for the deployment checks: `helm lint` and `helm template` through helm-java (Helm v3.16.4
// embedded as a native library), resolved from Maven Central into the git-ignored .cache/ like Kafka in
// deploy/local/stack.sh. One JVM runs a whole batch of jobs (tools/checks/helm/HelmJobs.java).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import YAML from 'yaml';

import { REPO_ROOT, repoPath } from './deploy-model';

export const HELM_JAVA_VERSION = '0.0.15';
export const CHART_DIR = repoPath('helm', 'tradewind');

const HERE = repoPath('tools', 'checks', 'helm');

export type HelmJob =
  | { kind: 'lint'; chart: string }
  | { kind: 'template'; chart: string; release?: string; namespace?: string; valuesFile?: string };

export interface HelmResult {
  ok: boolean;
  /** Lint messages, the rendered manifests, or Helm's error message. */
  output: string;
}

export interface Manifest {
  /** templates/<file> the object came from (Helm's `# Source:` line). */
  source: string;
  object: K8sObject;
}

export type K8sObject = Record<string, unknown> & {
  kind: string;
  apiVersion: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

function cacheDir(): string {
  return process.env.TW_CACHE_DIR ?? path.join(REPO_ROOT, '.cache');
}

/** The helm-java runtime classpath, resolved once (a `.complete` marker as in stack.sh). */
export function resolveHelmJava(): string {
  const dir = path.join(cacheDir(), `helm-java-${HELM_JAVA_VERSION}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return path.join(dir, 'libs');
  // Resolve beside the final folder and rename: parallel test files may resolve at the same time.
  fs.mkdirSync(cacheDir(), { recursive: true });
  const staging = fs.mkdtempSync(`${dir}.resolving-`);
  try {
    execFileSync(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        path.join(HERE, 'pom.xml'),
        `-Dhelm-java.version=${HELM_JAVA_VERSION}`,
        'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${path.join(staging, 'libs')}`,
      ],
      { stdio: 'pipe' },
    );
    fs.writeFileSync(path.join(staging, '.complete'), '');
    try {
      fs.renameSync(staging, dir);
    } catch (error) {
      if (!fs.existsSync(path.join(dir, '.complete'))) throw error;
    }
  } catch (error) {
    const out = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(
      `helm-java ${HELM_JAVA_VERSION} could not be resolved from Maven Central: ${
        out.split('\n').find((l) => l.includes('ERROR')) ?? String(error)
      }`,
    );
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return path.join(dir, 'libs');
}

/** Runs the jobs in one JVM, in order. */
export function runHelm(jobs: HelmJob[]): HelmResult[] {
  const libs = resolveHelmJava();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-helm-'));
  try {
    const lines = jobs.map((job, i) => {
      const out = path.join(work, `${i}.out`);
      return job.kind === 'lint'
        ? ['lint', job.chart, out].join('\t')
        : [
            'template',
            job.chart,
            job.release ?? 'tradewind',
            job.namespace ?? 'tradewind',
            job.valuesFile ?? '-',
            out,
          ].join('\t');
    });
    fs.writeFileSync(path.join(work, 'jobs'), lines.join('\n') + '\n');
    execFileSync(
      process.env.TW_HELM_JAVA ?? 'java',
      ['-cp', `${libs}/*`, path.join(HERE, 'HelmJobs.java'), path.join(work, 'jobs')],
      // Helm logs each followed symlink (files/ links into the repository) on stderr.
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return jobs.map((_, i) => ({
      ok: fs.readFileSync(path.join(work, `${i}.out.status`), 'utf8') === 'ok',
      output: fs.readFileSync(path.join(work, `${i}.out`), 'utf8'),
    }));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// helm-java's template prints the release manifest without its hooks (`helm template` adds them): in the
// copy, hook annotations wear another name so the hook objects render with the rest, and parseManifests
// gives them their own name back.
const HOOK_STAND_IN = 'checks.tradewind.io/helm-hook';

/**
 * A copy of the chart that helm-java 0.0.15 can render: its `files/` links resolved, hooks rendered as
 * plain objects, and without `kubeVersion`, which its template (no --kube-version yet) would test against
 * Helm's built-in v1.20. The range itself is checked against the Kubernetes schemas' version.
 */
export function renderableCopy(
  root: string,
  edit: (dir: string) => void = () => undefined,
  chart = CHART_DIR,
): string {
  const dir = path.join(root, 'tradewind');
  fs.cpSync(chart, dir, { recursive: true, dereference: true });
  const chartYaml = path.join(dir, 'Chart.yaml');
  fs.writeFileSync(
    chartYaml,
    fs
      .readFileSync(chartYaml, 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith('kubeVersion:'))
      .join('\n'),
  );
  const templates = path.join(dir, 'templates');
  for (const file of fs.readdirSync(templates)) {
    const full = path.join(templates, file);
    const text = fs.readFileSync(full, 'utf8');
    if (text.includes('helm.sh/hook')) fs.writeFileSync(full, text.replaceAll('helm.sh/hook', HOOK_STAND_IN));
  }
  edit(dir);
  return dir;
}

/** The objects of `helm template` output, each with the template it came from. */
export function parseManifests(output: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const doc of YAML.parseAllDocuments(output)) {
    if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
    const object = doc.toJS() as K8sObject | null;
    if (object === null) continue;
    const comment = `${doc.commentBefore ?? ''}\n${doc.contents?.commentBefore ?? ''}`;
    const source = /Source: [^/]+\/(\S+)/.exec(comment)?.[1] ?? '?';
    const annotations = object.metadata?.annotations;
    for (const key of Object.keys(annotations ?? {})) {
      if (!key.startsWith(HOOK_STAND_IN)) continue;
      annotations![key.replace(HOOK_STAND_IN, 'helm.sh/hook')] = annotations![key];
      delete annotations![key];
    }
    manifests.push({ source, object });
  }
  return manifests;
}

/** The chart's values.yaml, with `files` merged over it in order (Helm's coalescing of maps). */
export function chartValues(...files: string[]): Record<string, unknown> {
  const merge = (base: unknown, over: unknown): unknown => {
    if (isMap(base) && isMap(over)) {
      const out: Record<string, unknown> = { ...base };
      for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v) : v;
      return out;
    }
    return over === undefined ? base : over;
  };
  return [path.join(CHART_DIR, 'values.yaml'), ...files].reduce<Record<string, unknown>>(
    (acc, file) => merge(acc, YAML.parse(fs.readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>,
    {},
  );
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
