import path from 'node:path';

/** The repository root (tools/schemas/ is two levels down). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** schemas/ holds topics.yaml and avro/*.avsc; TW_SCHEMAS_DIR points the tools at another copy (tests). */
export function defaultSchemasDir(): string {
  return path.resolve(process.env.TW_SCHEMAS_DIR ?? path.join(REPO_ROOT, 'schemas'));
}

/** Where generated TypeScript lives; TW_GENERATED_DIR redirects it (tests). */
export function defaultGeneratedDir(): string {
  return path.resolve(
    process.env.TW_GENERATED_DIR ?? path.join(REPO_ROOT, 'libs/platform/contracts/src/generated'),
  );
}

export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:8081/apis/ccompat/v7';

/** REGISTRY_URL, else the local stack's registry on REGISTRY_PORT (as deploy/local/stack.sh starts it). */
export function defaultRegistryUrl(): string {
  const port = process.env.REGISTRY_PORT;
  return (
    process.env.REGISTRY_URL ?? (port ? `http://127.0.0.1:${port}/apis/ccompat/v7` : DEFAULT_REGISTRY_URL)
  );
}

/** A path as people see it in messages: repository-relative when inside the repository. */
export function displayPath(file: string): string {
  const relative = path.relative(REPO_ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}
