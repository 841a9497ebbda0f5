// Resolves the catalog's secret references (`env:NAME`, `file:/path`) for a service that must use them:
// `env:` through @tradewind/config (the only reader of the environment; values masked as secrets),
// `file:` under a root directory (`/` in production, a temporary directory in tests and the demo).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type ConfigSpec, type Environment, loadConfig, str, variable } from '@tradewind/config';

export interface SecretSources {
  /** Where `env:` references are read; the process environment when omitted. */
  readonly env?: Environment;
  /** `file:/run/secrets/x` is read at `<secretsRoot>/run/secrets/x`. */
  readonly secretsRoot: string;
}

export type ResolvedSecret = { readonly value: string } | { readonly reason: string };

/** Each reference's value (a file's trailing newline removed), or why it cannot be read. */
export function resolveSecretReferences(
  refs: readonly { readonly ref: string; readonly desc: string }[],
  sources: SecretSources,
): Map<string, ResolvedSecret> {
  const spec: Record<string, ReturnType<typeof secretVariable>> = {};
  for (const { ref, desc } of refs) {
    if (ref.startsWith('env:')) spec[ref.slice(4)] ??= secretVariable(ref.slice(4), desc);
  }
  const loaded = loadConfig(spec as ConfigSpec, sources.env).values as Record<string, unknown>;
  const resolved = new Map<string, ResolvedSecret>();
  for (const { ref } of refs) {
    if (ref.startsWith('env:')) {
      const value = loaded[ref.slice(4)];
      resolved.set(
        ref,
        typeof value === 'string' ? { value } : { reason: `environment variable ${ref.slice(4)} is not set` },
      );
    } else if (ref.startsWith('file:')) {
      const path = join(sources.secretsRoot, ref.slice(5));
      try {
        resolved.set(ref, { value: readFileSync(path, 'utf8').replace(/\r?\n$/, '') });
      } catch (error) {
        resolved.set(ref, {
          reason: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
        });
      }
    } else {
      resolved.set(ref, { reason: 'unsupported reference (env:NAME or file:/path)' });
    }
  }
  return resolved;
}

function secretVariable(name: string, desc: string) {
  return variable(name, str({ desc: `${desc} (${name})`, default: undefined }), { sensitive: true });
}
