// The SFTP test server is a real OpenSSH: a client with its key logs in, checks the host key, writes,
// renames and reads files under the server's root; a stopped server refuses connections and starts again
// on the same port.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import SftpClient from 'ssh2-sftp-client';

import {
  fingerprintOfPublicKey,
  sftpServerUnavailable,
  type SftpTestServer,
  startSftpServer,
} from './sftp-server';

describe('startSftpServer (OpenSSH sshd as the current user)', { skip: sftpServerUnavailable() }, () => {
  let server: SftpTestServer;
  before(async () => {
    server = await startSftpServer();
  });
  after(() => server?.close());

  const connect = async (): Promise<SftpClient> => {
    const client = new SftpClient();
    let seen: string | undefined;
    await client.connect({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKey: server.privateKey,
      readyTimeout: 5_000,
      hostVerifier: (key: Buffer) => {
        seen = fingerprintOfPublicKey(`ssh-ed25519 ${key.toString('base64')}`);
        return seen === server.hostKeyFingerprint;
      },
    });
    assert.equal(seen, server.hostKeyFingerprint);
    return client;
  };

  it('takes a key-authenticated session that writes, renames and lists files under its root', async () => {
    const client = await connect();
    try {
      await client.mkdir('out/edi', true);
      await client.put(Buffer.from('ISA*00*'), 'out/edi/.doc.x12.part');
      await client.rename('out/edi/.doc.x12.part', 'out/edi/doc.x12');
      const names = (await client.list('out/edi')).map((f) => f.name);
      assert.deepEqual(names, ['doc.x12']);
    } finally {
      await client.end();
    }
    assert.equal(readFileSync(server.path('out/edi/doc.x12'), 'utf8'), 'ISA*00*');
  });

  it('refuses connections while stopped and serves again on the same port after start', async () => {
    await server.stop();
    await assert.rejects(connect());
    await server.start();
    const client = await connect();
    await client.end();
  });
});
