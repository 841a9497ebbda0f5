// Shared by the gateway's specs and itest: the repository catalog and test credentials for its partners.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { type PartnerCredentials, sha256Hex, signedHeaders } from '@tradewind/partner-auth';
import { loadPartnerCatalog, type PartnerCatalog } from '@tradewind/partner-catalog';

export const REPO_ROOT = join(__dirname, '../../../..');
export const REPO_CATALOG_DIR = join(REPO_ROOT, 'config/partners');
export const EXAMPLES_DIR = join(REPO_CATALOG_DIR, 'examples');

export function repoCatalog(dir: string = REPO_CATALOG_DIR): PartnerCatalog {
  return loadPartnerCatalog(dir);
}

/** What a partner holds per catalog key id: the API key (sent) and the signing secret (never sent). */
export const TEST_KEYS = {
  'acme-portal-2026-06': {
    apiKey: 'tw-test-acme-2026-06-1a2b3c4d5e6f7081',
    signingSecret: 'tw-test-signing-acme-2026-06-0f1e2d3c4b5a',
  },
  'acme-portal-2026-12': {
    apiKey: 'tw-test-acme-2026-12-8899aabbccddeeff',
    signingSecret: 'tw-test-signing-acme-2026-12-a5b4c3d2e1f0',
  },
  'market-hub-2026-01': {
    apiKey: 'tw-test-markethub-2026-01-0badc0ffee1234',
    signingSecret: 'tw-test-signing-markethub-2026-01-5eed5eed',
  },
  'globex-edi-2026-03': {
    apiKey: 'tw-test-globex-2026-03-5566778899aabbcc',
    signingSecret: 'tw-test-signing-globex-2026-03-c0c0a0a0b0b0',
  },
  'globex-edi-2025-03': {
    apiKey: 'tw-test-globex-2025-03-ddeeff0011223344',
    signingSecret: 'tw-test-signing-globex-2025-03-d00dd00dd00d',
  },
  'odoo-webhook-2026-01': {
    apiKey: 'tw-test-odoo-2026-01-a1b2c3d4e5f60718',
    signingSecret: 'tw-test-signing-odoo-2026-01-feedfacecafe',
  },
  'bazaarly-2026-09': {
    apiKey: 'tw-test-bazaarly-2026-09-77e1d2c3b4a59687',
    signingSecret: 'tw-test-signing-bazaarly-2026-09-9a8b7c6d',
  },
  'northwind-wms-2026-11': {
    apiKey: 'tw-test-northwind-2026-11-3c2b1a0f9e8d7c6b',
    signingSecret: 'tw-test-signing-northwind-2026-11-6b5a4c3d',
  },
  'swift-parcel-2026-12': {
    apiKey: 'tw-test-swift-parcel-2026-12-5d4c3b2a1f0e9d8c',
    signingSecret: 'tw-test-signing-swift-parcel-2026-12-8e7f',
  },
  'harbor-3pl-2026-12': {
    apiKey: 'tw-test-harbor-3pl-2026-12-0a1b2c3d4e5f6a7b',
    signingSecret: 'tw-test-signing-harbor-3pl-2026-12-4c5d',
  },
  'boltworks-supply-2026-11': {
    apiKey: 'tw-test-boltworks-2026-11-4d5e6f708192a3b4',
    signingSecret: 'tw-test-signing-boltworks-2026-11-77aa88bb',
  },
  'cascade-tools-2026-11': {
    apiKey: 'tw-test-cascade-2026-11-0a1b2c3d4e5f6a7b',
    signingSecret: 'tw-test-signing-cascade-2026-11-1c2d3e4f',
  },
  'harbor-bank-2026-12': {
    apiKey: 'tw-test-harbor-bank-2026-12-6e5d4c3b2a190817',
    signingSecret: 'tw-test-signing-harbor-bank-2026-12-3f2e',
  },
  'swiftpay-2026-12': {
    apiKey: 'tw-test-swiftpay-2026-12-9a8b7c6d5e4f3a2b',
    signingSecret: 'tw-test-signing-swiftpay-2026-12-1a2b',
  },
} as const;

export type TestKeyId = keyof typeof TEST_KEYS;

export function testCredentials(keyId: TestKeyId): PartnerCredentials {
  return { keyId, ...TEST_KEYS[keyId] };
}

const secretDirs: string[] = [];
process.once('exit', () => secretDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * What the gateway is given for the test keys, at the references the catalog names: the API key hashes
 * (never the keys) and the signing secrets — `env:` references in an environment map, `file:` references
 * under a temporary secrets root.
 */
export function testCredentialSources(catalog: PartnerCatalog = repoCatalog()): {
  env: Record<string, string>;
  secretsRoot: string;
} {
  const secretsRoot = mkdtempSync(join(tmpdir(), 'tw-gateway-secrets-'));
  secretDirs.push(secretsRoot);
  const env: Record<string, string> = {};
  const put = (ref: string, value: string): void => {
    if (ref.startsWith('env:')) {
      env[ref.slice(4)] = value;
    } else {
      const path = join(secretsRoot, ref.slice(5));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${value}\n`);
    }
  };
  for (const partner of catalog.partners()) {
    for (const credential of partner.credentials) {
      const key = TEST_KEYS[credential.keyId as TestKeyId] as (typeof TEST_KEYS)[TestKeyId] | undefined;
      if (key === undefined) continue;
      put(credential.apiKeyHashRef, sha256Hex(key.apiKey));
      put(credential.signingSecretRef, key.signingSecret);
    }
  }
  return { env, secretsRoot };
}

/** The five signed headers (lower-case names) for a request, through @tradewind/partner-auth as clients sign. */
export function signRequest(options: {
  keyId: TestKeyId;
  /** Sign with other credentials than the test key's (a wrong secret, a stolen API key). */
  credentials?: Partial<PartnerCredentials>;
  method: string;
  pathWithQuery: string;
  body?: string | Buffer;
  timestamp?: string;
  nonce?: string;
}): Record<string, string> {
  return signedHeaders(
    { ...testCredentials(options.keyId), ...options.credentials },
    {
      method: options.method,
      path: options.pathWithQuery,
      body: options.body ?? '',
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    },
  );
}
