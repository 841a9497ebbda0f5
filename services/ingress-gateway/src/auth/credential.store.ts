// API key hashes by catalog reference. The catalog names each key (`keyId`) and where its secret lives
// (`secretRef`: `env:NAME` or `file:/path`); for the gateway that secret is the hex SHA-256 of the API key,
// never the key itself, so a leaked store or environment cannot sign requests.
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type ConfigSpec, type Environment, loadConfig, str, variable } from '@tradewind/config';
import { sha256Hex } from '@tradewind/partner-auth';
import type { CredentialRef, PartnerCatalog, PartnerConfig } from '@tradewind/partner-catalog';

export interface CredentialMatch {
  readonly partner: PartnerConfig;
  readonly credential: CredentialRef;
}

export interface UnresolvedCredential {
  readonly partnerId: string;
  readonly keyId: string;
  readonly secretRef: string;
  readonly reason: string;
}

interface StoredKey extends CredentialMatch {
  readonly hash: Buffer;
}

export interface CredentialSources {
  /** Where `env:` references are read (through @tradewind/config); the process environment when omitted. */
  readonly env?: Environment;
  /** `file:/run/secrets/x` is read at `<secretsRoot>/run/secrets/x`. */
  readonly secretsRoot: string;
}

const HASH = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/** Parses a stored key hash: 64 hex digits, optionally prefixed `sha256:`. */
export function parseKeyHash(value: string): Buffer | undefined {
  const match = HASH.exec(value.trim());
  return match ? Buffer.from(match[1], 'hex') : undefined;
}

export class CredentialStore {
  private constructor(
    private readonly catalog: PartnerCatalog,
    private readonly keys: readonly StoredKey[],
    readonly unresolved: readonly UnresolvedCredential[],
  ) {}

  /** Resolves every credential reference of the catalog; the ones that cannot be resolved are listed, not fatal. */
  static fromCatalog(catalog: PartnerCatalog, sources: CredentialSources): CredentialStore {
    const credentials = catalog
      .partners()
      .flatMap((partner) => partner.credentials.map((credential) => ({ partner, credential })));
    const envValues = readEnvReferences(
      credentials.map((c) => c.credential.secretRef),
      sources.env,
    );
    const keys: StoredKey[] = [];
    const unresolved: UnresolvedCredential[] = [];
    for (const { partner, credential } of credentials) {
      const ref = credential.secretRef;
      let raw: string | undefined;
      let reason: string | undefined;
      if (ref.startsWith('env:')) {
        raw = envValues.get(ref.slice(4));
        if (raw === undefined) reason = `environment variable ${ref.slice(4)} is not set`;
      } else if (ref.startsWith('file:')) {
        const path = join(sources.secretsRoot, ref.slice(5));
        try {
          raw = readFileSync(path, 'utf8');
        } catch (error) {
          reason = `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
        }
      } else {
        reason = 'unsupported reference (env:NAME or file:/path)';
      }
      const hash = raw === undefined ? undefined : parseKeyHash(raw);
      if (hash === undefined) {
        unresolved.push({
          partnerId: partner.id,
          keyId: credential.keyId,
          secretRef: ref,
          reason: reason ?? 'the value is not a hex SHA-256 of the API key',
        });
      } else {
        keys.push({ partner, credential, hash });
      }
    }
    return new CredentialStore(catalog, keys, unresolved);
  }

  /**
   * The credential whose stored hash equals SHA-256(apiKey). Every stored hash is compared in constant
   * time, without stopping at a match, so timing tells nothing about which key (or how much) matched.
   */
  findByApiKey(apiKey: string): CredentialMatch | undefined {
    const presented = Buffer.from(sha256Hex(Buffer.from(apiKey, 'utf8')), 'hex');
    let found: StoredKey | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(key.hash, presented) && found === undefined) found = key;
    }
    return found === undefined ? undefined : { partner: found.partner, credential: found.credential };
  }

  /** Active and not past its notAfter day (UTC, inclusive) at `now`. */
  isUsable(match: CredentialMatch, now: Date): boolean {
    return this.catalog
      .activeCredentials(match.partner.id, now)
      .some((c) => c.keyId === match.credential.keyId);
  }

  /** Unresolved credentials that would be usable now: those an operator must fix. */
  missingUsable(now: Date): UnresolvedCredential[] {
    return this.unresolved.filter((u) =>
      this.catalog.activeCredentials(u.partnerId, now).some((c) => c.keyId === u.keyId),
    );
  }
}

/** `env:` references read through @tradewind/config (the only reader of the environment), masked as secrets. */
function readEnvReferences(refs: readonly string[], env: Environment | undefined): Map<string, string> {
  const names = [...new Set(refs.filter((r) => r.startsWith('env:')).map((r) => r.slice(4)))];
  const spec: Record<string, ReturnType<typeof hashVariable>> = {};
  for (const name of names) spec[name] = hashVariable(name);
  const loaded = loadConfig(spec as ConfigSpec, env);
  const values = new Map<string, string>();
  for (const name of names) {
    const value = (loaded.values as Record<string, unknown>)[name];
    if (typeof value === 'string') values.set(name, value);
  }
  return values;
}

function hashVariable(name: string) {
  return variable(
    name,
    str({ desc: `Hex SHA-256 of an API key named in the partner catalog (${name})`, default: undefined }),
    { sensitive: true },
  );
}
