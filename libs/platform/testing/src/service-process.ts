// A service as a real process (its main.ts under @swc-node/register, as `nx serve` runs it) for a test that
// cannot import the service (another service's test: Nx boundaries) or that kills it: started with the
// test's environment on a free port, ready when /health/ready says 200.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { expectEventually } from './eventually';
import { freePort } from './sftp-server';

export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM (a graceful stop), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const REPO_ROOT = join(__dirname, '../../../..');

export async function startServiceProcess(options: {
  /** The service's folder under services/, e.g. `partner-delivery`. */
  service: string;
  /** Added to this process's environment; HTTP_PORT is chosen here. */
  env: Readonly<Record<string, string>>;
  readyTimeoutMs?: number;
}): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', `services/${options.service}/src/main.ts`],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env, HTTP_PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  try {
    await expectEventually(
      async () => {
        assert.equal(child.exitCode, null, `${options.service} exited`);
        assert.equal((await fetch(`${url}/health/ready`)).status, 200);
      },
      {
        timeoutMs: options.readyTimeoutMs ?? 60_000,
        intervalMs: 250,
        description: `${options.service} ready`,
      },
    );
  } catch (error) {
    await stop(1_000);
    throw error;
  }
  return { url, child, stop };
}
