// SFTP delivery to a real OpenSSH server (startSftpServer: Debian's sshd as the current user) on the real
// Kafka, registry and PostgreSQL: an X12 856 to an EDI customer lands in its directory under its final name
// (uploaded as a temporary name, then renamed: no partial file ever carries the final name), with a
// receipt on partners.delivery-results (name, size, SHA-256, remote path); a file already in place with the
// same content (a resend after a crash between rename and record) counts as delivered without a second
// upload; a server that is down holds the document until it is back; a server presenting another host key
// is never sent anything.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { DeliveryOutcome, DocumentFormat, TOPICS } from '@tradewind/contracts';
import {
  expectEventually,
  sftpServerUnavailable,
  type SftpTestServer,
  startSftpServer,
} from '@tradewind/testing';

import {
  deliveryEnv,
  DeliveryHarness,
  outboundDocument,
  testCatalogDir,
  testPartnerId,
} from './test/delivery-harness';

const edi = testPartnerId('edi');
const KEY_ENV = `TW_${edi.replace(/-/g, '_').toUpperCase()}_SSH_KEY`;
const HOST_KEY_ENV = `TW_${edi.replace(/-/g, '_').toUpperCase()}_HOST_KEY`;
const WRONG_HOST_KEY = `SHA256:${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`;

function x12ShipNotice(shipment: string): string {
  return [
    'ISA*00*          *00*          *ZZ*TRADEWIND      *ZZ*GLOBEXEDI      *261201*1200*U*00401*000000101*0*P*>~',
    'GS*SH*TRADEWIND*GLOBEXEDI*20261201*1200*101*X*004010~',
    'ST*856*0001~',
    `BSN*00*${shipment}*20261201*1200~`,
    'HL*1**S~',
    'TD5**2*UPSN~',
    `REF*CN*1Z999AA1${shipment.slice(-8)}~`,
    'HL*2*1*O~',
    'PRF*GLX-PO-1001~',
    'HL*3*2*P~',
    'MAN*GM*00012345600000000017~',
    'HL*4*3*I~',
    'LIN**SK*SKU-1001~',
    'SN1**12*EA~',
    'CTT*4~',
    'SE*15*0001~',
    'GE*1*101~',
    'IEA*1*000000101~',
  ].join('\n');
}

describe('partner-delivery: SFTP to a real OpenSSH server', { skip: sftpServerUnavailable() }, () => {
  const h = DeliveryHarness.create('sftp');
  let server: SftpTestServer;
  let catalogDir: string;
  const dir = 'inbound/tradewind';
  const sftpEndpoint = (id: string, types: string, hostKey: string) => `
      - id: ${id}
        documentTypes: [${types}]
        timeoutMs: 5000
        sftp:
          host: sftp.${edi}.example
          port: 22
          username: tradewind
          privateKeyRef: 'env:${KEY_ENV}'
          hostKey: '${hostKey}'
          remoteDir: ${dir}
          fileName: '{documentType}-{outboundId}.{ext}'`;

  before(async () => {
    server = await startSftpServer();
    catalogDir = testCatalogDir(
      [{ id: edi, x12: true }],
      `version: 1
defaults:
  retry: { maxAttempts: 50, initialDelayMs: 200, maxDelayMs: 1000 }
  breaker: { volumeThreshold: 2, resetTimeoutMs: 1000 }
partners:
  ${edi}:
    endpoints:${sftpEndpoint('wrong-key', 'x12-997', WRONG_HOST_KEY)}${sftpEndpoint('edi-sftp', "'x12-*'", `env:${HOST_KEY_ENV}`)}
`,
    );
    // The catalog's user is the partner's; our test server logs in the current user only.
    const at = { host: server.host, port: server.port, username: server.username };
    await h.start(
      deliveryEnv({
        serviceName: h.serviceName,
        schema: h.schema,
        catalogDir,
        overrides: { [`${edi}/edi-sftp`]: at, [`${edi}/wrong-key`]: at },
        extra: {
          [KEY_ENV]: server.privateKey,
          [HOST_KEY_ENV]: server.hostKeyFingerprint,
        },
      }),
    );
  });

  after(async () => {
    await h.cleanup(catalogDir);
    await server?.close();
  });

  const fileOf = (outboundId: string, type: string) =>
    `${dir}/${type}-${outboundId.replace(/[^A-Za-z0-9._-]/g, '_')}.x12`;

  it('lands an X12 856 under its final name by temporary name and rename, with a receipt', async () => {
    const since = await h.topicEnd(TOPICS.partnersDeliveryResults);
    const docs = ['SHP-0001', 'SHP-0002', 'SHP-0003'].map((shipment) =>
      outboundDocument(edi, 'x12-856', {
        format: DocumentFormat.X12,
        payload: x12ShipNotice(shipment),
        orderingKey: shipment,
      }),
    );
    // The directory's names as they come and go: the temporary names show up there.
    mkdirSync(server.path(dir), { recursive: true });
    const seen = new Set<string>();
    const watcher = watch(server.path(dir), (_event, name) => {
      if (name !== null) seen.add(name);
    });
    after(() => watcher.close());
    await h.publish(docs);
    const results = await expectEventually(
      async () => {
        const found = (await h.results(since, edi)).filter((r) => r.outcome === DeliveryOutcome.Delivered);
        assert.equal(found.length, 3);
        return found;
      },
      { timeoutMs: 30_000, description: 'three delivered files' },
    );
    for (const doc of docs) {
      const local = server.path(fileOf(doc.outboundId, 'x12-856'));
      assert.equal(readFileSync(local, 'utf8'), doc.payload.toString('utf8'));
      const receipt = results.find((r) => r.outboundId === doc.outboundId)?.receipt;
      assert.ok(receipt, 'a receipt');
      assert.equal(receipt.remotePath, fileOf(doc.outboundId, 'x12-856'));
      assert.equal(receipt.sizeBytes, doc.payload.length);
      assert.equal(receipt.sha256, createHash('sha256').update(doc.payload).digest('hex'));
      assert.equal(receipt.fileName, receipt.remotePath.split('/').pop());
    }
    // Uploaded under a temporary name and renamed: nothing partial is left, and sshd saw the renames.
    assert.deepEqual(
      readdirSync(server.path(dir)).filter((n) => n.endsWith('.part')),
      [],
    );
    for (const doc of docs) {
      const name = fileOf(doc.outboundId, 'x12-856').split('/').pop()!;
      assert.ok(seen.has(`.${name}.part`), `${name} was written as .${name}.part first`);
    }
    const rows = await h.query<{ receipt: { sha256: string } | null }>(
      `SELECT receipt FROM deliveries WHERE partner_id = $1 AND state = 'delivered'`,
      [edi],
    );
    assert.equal(rows.filter((r) => r.receipt?.sha256 !== undefined).length, 3);
  });

  it('counts a file already in place with the same content as delivered, without uploading it again', async () => {
    const since = await h.topicEnd(TOPICS.partnersDeliveryResults);
    const doc = outboundDocument(edi, 'x12-856', {
      format: DocumentFormat.X12,
      payload: x12ShipNotice('SHP-0009'),
    });
    const local = server.path(fileOf(doc.outboundId, 'x12-856'));
    mkdirSync(server.path(dir), { recursive: true });
    writeFileSync(local, doc.payload);
    const before = statSync(local).mtimeMs;
    await h.publish([doc]);
    await expectEventually(
      async () => {
        const delivered = (await h.results(since, edi)).filter(
          (r) => r.outboundId === doc.outboundId && r.outcome === DeliveryOutcome.Delivered,
        );
        assert.equal(delivered.length, 1);
        assert.equal(delivered[0].receipt?.sha256, createHash('sha256').update(doc.payload).digest('hex'));
      },
      { timeoutMs: 60_000, description: 'the file in place counted as delivered' },
    );
    assert.equal(statSync(local).mtimeMs, before);
  });

  it('holds a document while the server is down and delivers it once it is back; never sends to a wrong host key', async () => {
    const since = await h.topicEnd(TOPICS.partnersDeliveryResults);
    await server.stop();
    const held = outboundDocument(edi, 'x12-855', {
      format: DocumentFormat.X12,
      payload: x12ShipNotice('SHP-0100'),
    });
    const wrongKey = outboundDocument(edi, 'x12-997', {
      format: DocumentFormat.X12,
      payload: x12ShipNotice('SHP-0101'),
    });
    await h.publish([held, wrongKey]);
    await expectEventually(
      async () => {
        const failed = (await h.results(since, edi)).filter(
          (r) => r.outboundId === held.outboundId && r.outcome === DeliveryOutcome.Failed,
        );
        assert.ok(failed.length >= 2);
        assert.match(failed[0].error ?? '', /ECONNREFUSED|connect/);
      },
      { timeoutMs: 60_000, description: 'failed attempts while the server is down' },
    );
    await server.start();
    await expectEventually(
      async () => {
        const results = await h.results(since, edi);
        assert.equal(
          results.filter((r) => r.outboundId === held.outboundId && r.outcome === DeliveryOutcome.Delivered)
            .length,
          1,
        );
        const refused = results.filter((r) => r.outboundId === wrongKey.outboundId);
        assert.ok(refused.length >= 1 && refused.every((r) => r.outcome === DeliveryOutcome.Failed));
        assert.ok(
          refused.some((r) => /host key/.test(r.error ?? '')),
          JSON.stringify(refused.map((r) => r.error)),
        );
      },
      { timeoutMs: 30_000, description: 'the held document delivered, the wrong-key one refused' },
    );
    assert.ok(existsSync(server.path(fileOf(held.outboundId, 'x12-855'))));
    assert.equal(existsSync(server.path(fileOf(wrongKey.outboundId, 'x12-997'))), false);
  });
});
