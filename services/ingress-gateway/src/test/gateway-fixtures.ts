// Shared by the gateway's specs and itest: the repository catalog and test API keys for its partners.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { sha256Hex, signedHeaders } from '@tradewind/partner-auth';
import { loadPartnerCatalog, type PartnerCatalog } from '@tradewind/partner-catalog';

export const REPO_ROOT = join(__dirname, '../../../..');
export const REPO_CATALOG_DIR = join(REPO_ROOT, 'config/partners');
export const EXAMPLES_DIR = join(REPO_CATALOG_DIR, 'examples');

export function repoCatalog(): PartnerCatalog {
  return loadPartnerCatalog(REPO_CATALOG_DIR);
}

/** Raw test keys per catalog key id (what a partner holds). */
export const TEST_KEYS = {
  'acme-portal-2025-07': 'tw-test-acme-2025-07-9f2c4e7a1b3d5f60',
  'acme-portal-2026-06': 'tw-test-acme-2026-06-1a2b3c4d5e6f7081',
  'market-hub-2026-01': 'tw-test-markethub-2026-01-0badc0ffee1234',
  'globex-edi-2026-03': 'tw-test-globex-2026-03-5566778899aabbcc',
  'globex-edi-2025-03': 'tw-test-globex-2025-03-ddeeff0011223344',
  'odoo-webhook-2026-01': 'tw-test-odoo-2026-01-a1b2c3d4e5f60718',
  'bazaarly-2026-09': 'tw-test-bazaarly-2026-09-77e1d2c3b4a59687',
} as const;

/**
 * What the gateway is given for the test keys: the hashes, never the keys — `env:` references in an
 * environment map, `file:` references under a temporary secrets root.
 */
const secretDirs: string[] = [];
process.once('exit', () => secretDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export function testCredentialSources(): { env: Record<string, string>; secretsRoot: string } {
  const secretsRoot = mkdtempSync(join(tmpdir(), 'tw-gateway-secrets-'));
  secretDirs.push(secretsRoot);
  const hash = (keyId: keyof typeof TEST_KEYS): string => sha256Hex(TEST_KEYS[keyId]);
  const env = {
    TW_PARTNER_ACME_PORTAL_KEY_2025_07: hash('acme-portal-2025-07'),
    TW_PARTNER_ACME_PORTAL_KEY_2026_06: `sha256:${hash('acme-portal-2026-06')}`,
    TW_ODOO_WEBHOOK_KEY: hash('odoo-webhook-2026-01'),
    TW_PARTNER_BAZAARLY_KEY_2026_09: hash('bazaarly-2026-09'),
  };
  for (const keyId of ['market-hub-2026-01', 'globex-edi-2026-03', 'globex-edi-2025-03'] as const) {
    const path = join(secretsRoot, 'run/secrets/partners', keyId);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${hash(keyId)}\n`);
  }
  return { env, secretsRoot };
}

/** The four signed headers (lower-case names) for a request, through @tradewind/partner-auth as clients sign. */
export function signRequest(options: {
  apiKey: string;
  method: string;
  pathWithQuery: string;
  body?: string | Buffer;
  timestamp?: string;
  nonce?: string;
}): Record<string, string> {
  return signedHeaders(options.apiKey, {
    method: options.method,
    path: options.pathWithQuery,
    body: options.body ?? '',
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  });
}
