// A real SFTP server for tests: Debian's OpenSSH sshd started on a free port as the current user, with
// a generated host key, one authorized client key and a temporary directory the sessions start in
// (internal-sftp -d). No chroot (that needs root and a root-owned tree): paths outside the directory are
// reachable, so tests address files relative to it. `./tradewind setup` installs openssh-server.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface SftpTestServer {
  readonly host: string;
  readonly port: number;
  /** The current user: the only one sshd can log in when it does not run as root. */
  readonly username: string;
  /** OpenSSH private key (ed25519) the server accepts. */
  readonly privateKey: string;
  /** `SHA256:<base64>`, as `ssh-keygen -lf` prints the host key's fingerprint. */
  readonly hostKeyFingerprint: string;
  /** The directory sessions start in: a relative remote path `a/b` is `<root>/a/b`. */
  readonly root: string;
  /** Absolute local path of a remote path relative to the root. */
  path(relative: string): string;
  /** Stops sshd (existing sessions end with it); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
  /** sshd's log so far (for a failing test's message). */
  log(): string;
}

/** Whether this machine can run the server (tests skip with this reason otherwise). */
export function sftpServerUnavailable(): string | undefined {
  return existsSync(SSHD) ? undefined : `${SSHD} is missing (./tradewind setup installs openssh-server)`;
}

export async function startSftpServer(options: { port?: number } = {}): Promise<SftpTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-sftp-'));
  const root = join(dir, 'root');
  mkdirSync(root);
  const keygen = (file: string): void => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tradewind-test', '-f', file]);
  };
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  const hostKeyFingerprint = fingerprintOfPublicKey(readFileSync(join(dir, 'host_key.pub'), 'utf8'));
  const username = userInfo().username;
  const port = options.port ?? (await freePort());
  // As root, sshd insists on its privilege separation directory (Debian's unit creates it at boot).
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${username}`,
      'LogLevel INFO',
      'Subsystem sftp internal-sftp',
      `ForceCommand internal-sftp -d ${root}`,
      '',
    ].join('\n'),
  );

  let child: ChildProcess | undefined;
  let logText = '';
  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    const proc = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    proc.once('exit', () => {
      if (child === proc) child = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`sshd did not start within 10 s:\n${logText}`)),
        10_000,
      );
      proc.stderr.on('data', (chunk: Buffer) => {
        logText += chunk.toString('utf8');
        if (logText.includes(`Server listening on 127.0.0.1 port ${port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sshd exited with ${code}:\n${logText}`));
      });
    });
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined) return;
    child = undefined;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    username,
    privateKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    hostKeyFingerprint,
    root,
    path: (relative) => join(root, relative),
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => logText,
  };
}

/** `SHA256:<base64 without padding>` of an OpenSSH public key line (`ssh-ed25519 AAAA… comment`). */
export function fingerprintOfPublicKey(line: string): string {
  const blob = Buffer.from(line.trim().split(/\s+/)[1], 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A TCP port nobody listens on now (the OS's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
