// The demo partners' receiving ends, so that the demo delivers what they are owed through partner-delivery:
// a webhook receiver per JSON partner (acme-portal, market-hub, bazaarly: each verifies our signature and
// keeps each document once by its Idempotency-Key) and a real SFTP server (Debian's sshd) for globex-edi's
// X12 997/855/TA1 files. It writes the delivery secrets where config/partners/delivery.yaml's references
// point (under DELIVERY_SECRETS_ROOT) and an env file with DELIVERY_ENDPOINT_OVERRIDES for demo.sh, and
// serves the counts at http://127.0.0.1:<PARTNER_ENDPOINTS_PORT>/ for the demo's summary.
// Usage (demo.sh does it): node -r @swc-node/register tools/demo/partner-endpoints.ts <env file>
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';

import { startWebhookReceiver, type WebhookReceiver } from '@tradewind/partner-testing';
import { sftpServerUnavailable, type SftpTestServer, startSftpServer } from '@tradewind/testing';

const env = process.env;
const envFile = process.argv[2] ?? '.stack/demo/partner-endpoints.env';
const secretsRoot = env.DELIVERY_SECRETS_ROOT ?? '.stack/demo/secrets';
const statusPort = Number(env.PARTNER_ENDPOINTS_PORT ?? 3069);

// config/partners/delivery.yaml: each JSON partner's endpoint, the key id it knows us by, where our secret is.
const WEBHOOKS = [
  {
    partner: 'acme-portal',
    endpoint: 'erp-hooks',
    keyId: 'tradewind-acme-portal-2026-12',
    ref: 'file:/run/secrets/delivery/acme-portal.signing',
  },
  {
    partner: 'market-hub',
    endpoint: 'seller-events',
    keyId: 'tw-market-hub-2026-01',
    ref: 'file:/run/secrets/delivery/market-hub.signing',
  },
  {
    partner: 'bazaarly',
    endpoint: 'integrations',
    keyId: 'tradewind-bazaarly-2026-09',
    ref: 'env:TW_DELIVERY_BAZAARLY_SIGNING_2026_09',
  },
] as const;

async function main(): Promise<void> {
  const exports: string[] = [];
  const writeSecret = (ref: string, value: string): void => {
    if (ref.startsWith('env:')) {
      exports.push(`export ${ref.slice(4)}='${value}'`);
    } else {
      const path = join(secretsRoot, ref.slice(5));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, value, { mode: 0o600 });
    }
  };
  const overrides: Record<string, Record<string, unknown>> = {};
  const receivers = new Map<string, WebhookReceiver>();
  for (const w of WEBHOOKS) {
    const secret = `demo-${w.partner}-delivery-${randomBytes(16).toString('hex')}`;
    writeSecret(w.ref, secret);
    const receiver = await startWebhookReceiver({ signer: { keyId: w.keyId, signingSecret: secret } });
    receivers.set(w.partner, receiver);
    overrides[`${w.partner}/${w.endpoint}`] = { url: receiver.url };
  }
  writeSecret(
    'file:/run/secrets/delivery/market-hub.authorization',
    `Bearer demo-${randomBytes(8).toString('hex')}`,
  );

  let sftp: SftpTestServer | undefined;
  const unavailable = sftpServerUnavailable();
  if (unavailable === undefined) {
    sftp = await startSftpServer();
    writeSecret('file:/run/secrets/delivery/globex-edi.ssh-key', sftp.privateKey);
    exports.push(`export TW_DELIVERY_GLOBEX_SFTP_HOST_KEY='${sftp.hostKeyFingerprint}'`);
    overrides['globex-edi/edi-sftp'] = { host: sftp.host, port: sftp.port, username: sftp.username };
  } else {
    console.log(
      `partner endpoints: no SFTP server for globex-edi (${unavailable}); its files wait in the queue`,
    );
  }
  exports.push(`export DELIVERY_ENDPOINT_OVERRIDES='${JSON.stringify(overrides)}'`);
  exports.push(`export DELIVERY_SECRETS_ROOT='${secretsRoot}'`);
  writeFileSync(envFile, `${exports.join('\n')}\n`);

  const files = (): number => {
    if (sftp === undefined) return 0;
    try {
      return readdirSync(sftp.path('inbound/tradewind')).filter((n) => !n.startsWith('.')).length;
    } catch {
      return 0;
    }
  };
  createServer((_req, res) => {
    const counts: Record<string, { delivered: number; resends: number }> = {};
    for (const [partner, r] of receivers)
      counts[partner] = { delivered: r.received.length, resends: r.duplicates };
    counts['globex-edi'] = { delivered: files(), resends: 0 };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
  }).listen(statusPort, '127.0.0.1', () => {
    console.log(
      `partner endpoints: webhooks ${[...receivers].map(([p, r]) => `${p} ${r.url}`).join(', ')}; ` +
        `SFTP ${sftp === undefined ? 'none' : `${sftp.host}:${sftp.port} (${sftp.root})`}; counts http://127.0.0.1:${statusPort}/`,
    );
  });
  const stop = (): void => {
    void Promise.all([...[...receivers.values()].map((r) => r.close()), sftp?.close()]).finally(() =>
      process.exit(0),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
