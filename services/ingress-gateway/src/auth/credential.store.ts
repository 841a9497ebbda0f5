// The gateway's half of each partner key, resolved from the catalog's references (`env:NAME` or
// `file:/path`): the hex SHA-256 of the API key (`apiKeyHashRef`), never the key itself, and the signing
// secret (`signingSecretRef`) that keys the request HMAC. What the gateway holds cannot authenticate
// (it lacks the API key), and neither the API key nor a database of the gateway can sign
// (docs/partner-authentication.md).
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type ConfigSpec, type Environment, loadConfig, str, variable } from '@tradewind/config';
import {
  MIN_SIGNING_SECRET_LENGTH,
  sha256Hex,
  type SignableRequest,
  signatureMatches,
} from '@tradewind/partner-auth';
import type { CredentialRef, PartnerCatalog, PartnerConfig } from '@tradewind/partner-catalog';

export interface CredentialMatch {
  readonly partner: PartnerConfig;
  readonly credential: CredentialRef;
}

export type CredentialField = 'apiKeyHashRef' | 'signingSecretRef';

export interface UnresolvedCredential {
  readonly partnerId: string;
  readonly keyId: string;
  readonly field: CredentialField;
  readonly secretRef: string;
  readonly reason: string;
}

interface StoredKey extends CredentialMatch {
  readonly apiKeyHash: Buffer;
  readonly signingSecret: string;
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

/** A signing secret as stored (a file's trailing newline is not part of it), or why it is unusable. */
export function parseSigningSecret(value: string): { secret: string } | { reason: string } {
  const secret = value.trim();
  if (secret.length < MIN_SIGNING_SECRET_LENGTH) {
    return { reason: `the signing secret is shorter than ${MIN_SIGNING_SECRET_LENGTH} characters` };
  }
  return { secret };
}

export class CredentialStore {
  private constructor(
    private readonly catalog: PartnerCatalog,
    private readonly keys: ReadonlyMap<string, StoredKey>,
    readonly unresolved: readonly UnresolvedCredential[],
  ) {}

  /** Resolves every credential reference of the catalog; the ones that cannot be resolved are listed, not fatal. */
  static fromCatalog(catalog: PartnerCatalog, sources: CredentialSources): CredentialStore {
    const credentials = catalog
      .partners()
      .flatMap((partner) => partner.credentials.map((credential) => ({ partner, credential })));
    const envValues = readEnvReferences(
      credentials.flatMap(({ credential }) => [
        { ref: credential.apiKeyHashRef, field: 'apiKeyHashRef' as const },
        { ref: credential.signingSecretRef, field: 'signingSecretRef' as const },
      ]),
      sources.env,
    );
    const keys = new Map<string, StoredKey>();
    const unresolved: UnresolvedCredential[] = [];
    for (const { partner, credential } of credentials) {
      const problem = (field: CredentialField, reason: string): undefined => {
        unresolved.push({
          partnerId: partner.id,
          keyId: credential.keyId,
          field,
          secretRef: credential[field],
          reason,
        });
        return undefined;
      };
      const read = (field: CredentialField): string | undefined => {
        const found = readReference(credential[field], envValues, sources.secretsRoot);
        return 'reason' in found ? problem(field, found.reason) : found.value;
      };
      const rawHash = read('apiKeyHashRef');
      const apiKeyHash =
        rawHash === undefined
          ? undefined
          : (parseKeyHash(rawHash) ??
            problem('apiKeyHashRef', 'the value is not a hex SHA-256 of the API key'));
      const rawSecret = read('signingSecretRef');
      let signingSecret: string | undefined;
      if (rawSecret !== undefined) {
        const parsed = parseSigningSecret(rawSecret);
        if ('reason' in parsed) problem('signingSecretRef', parsed.reason);
        else signingSecret = parsed.secret;
      }
      if (apiKeyHash !== undefined && signingSecret !== undefined) {
        keys.set(credential.keyId, { partner, credential, apiKeyHash, signingSecret });
      }
    }
    return new CredentialStore(catalog, keys, unresolved);
  }

  /**
   * The credential named `keyId` when `apiKey` is its API key: SHA-256(apiKey) compared with the stored
   * hash in constant time. Key ids are public, so finding the key by id tells nothing secret.
   */
  find(keyId: string, apiKey: string): CredentialMatch | undefined {
    const key = this.keys.get(keyId);
    const presented = Buffer.from(sha256Hex(Buffer.from(apiKey, 'utf8')), 'hex');
    if (key === undefined || !timingSafeEqual(key.apiKeyHash, presented)) return undefined;
    return { partner: key.partner, credential: key.credential };
  }

  /** Whether `presented` is the TW1-HMAC-SHA256 signature of `request` under the matched key's signing secret. */
  signatureMatches(match: CredentialMatch, request: SignableRequest, presented: string): boolean {
    const key = this.keys.get(match.credential.keyId);
    return (
      key !== undefined &&
      request.keyId === key.credential.keyId &&
      signatureMatches(key.signingSecret, request, presented)
    );
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

function readReference(
  ref: string,
  envValues: ReadonlyMap<string, string>,
  secretsRoot: string,
): { value: string } | { reason: string } {
  if (ref.startsWith('env:')) {
    const value = envValues.get(ref.slice(4));
    return value === undefined ? { reason: `environment variable ${ref.slice(4)} is not set` } : { value };
  }
  if (ref.startsWith('file:')) {
    const path = join(secretsRoot, ref.slice(5));
    try {
      return { value: readFileSync(path, 'utf8') };
    } catch (error) {
      return { reason: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
    }
  }
  return { reason: 'unsupported reference (env:NAME or file:/path)' };
}

const DESCRIPTIONS: Readonly<Record<CredentialField, string>> = {
  apiKeyHashRef: 'Hex SHA-256 of an API key named in the partner catalog',
  signingSecretRef: 'Signing secret (HMAC key) of a key named in the partner catalog',
};

/** `env:` references read through @tradewind/config (the only reader of the environment), masked as secrets. */
function readEnvReferences(
  refs: readonly { ref: string; field: CredentialField }[],
  env: Environment | undefined,
): Map<string, string> {
  const spec: Record<string, ReturnType<typeof credentialVariable>> = {};
  for (const { ref, field } of refs) {
    if (ref.startsWith('env:')) spec[ref.slice(4)] ??= credentialVariable(ref.slice(4), field);
  }
  const loaded = loadConfig(spec as ConfigSpec, env);
  const values = new Map<string, string>();
  for (const name of Object.keys(spec)) {
    const value = (loaded.values as Record<string, unknown>)[name];
    if (typeof value === 'string') values.set(name, value);
  }
  return values;
}

function credentialVariable(name: string, field: CredentialField) {
  return variable(name, str({ desc: `${DESCRIPTIONS[field]} (${name})`, default: undefined }), {
    sensitive: true,
  });
}
