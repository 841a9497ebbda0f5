// e2e-lane: isolated (a private Kafka, registry and services of its own on their own ports)
// The local stack without Docker (deploy/local/stack.sh), run as a newcomer would: `up` from nothing to
// a healthy Kafka and registry, a second `up` that changes nothing, a stale pid file cleaned, and
// `down` leaving no process behind. Uses its own ports and data folder, beside the test stack.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { freePort } from '../e2e/platform';

const root = join(__dirname, '../..');

describe('deploy/local/stack.sh', () => {
  const stackDir = mkdtempSync(join(tmpdir(), 'tw-stack-'));
  let env: NodeJS.ProcessEnv = {};

  const stack = (...args: string[]) => {
    const result = spawnSync('bash', ['deploy/local/stack.sh', ...args], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const pidOf = (name: string): number => Number(readFileSync(join(stackDir, `${name}.pid`), 'utf8'));

  after(() => {
    stack('down');
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('comes up from nothing to a healthy Kafka and registry', async () => {
    const [kafka, controller, registry, management] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    env = {
      ...process.env,
      TW_STACK_DIR: stackDir,
      KAFKA_PORT: String(kafka),
      KAFKA_CONTROLLER_PORT: String(controller),
      REGISTRY_PORT: String(registry),
      REGISTRY_MANAGEMENT_PORT: String(management),
    };
    const up = stack('up');
    assert.equal(up.status, 0, up.output);
    assert.match(up.output, /formatting Kafka storage/);
    assert.match(up.output, /kafka healthy/);
    assert.match(up.output, /registry healthy/);
    const status = stack('status');
    assert.equal(status.status, 0, status.output);
    const subjects = await fetch(`http://127.0.0.1:${registry}/apis/ccompat/v7/subjects`);
    assert.equal(subjects.status, 200);
  });

  it('a second up is a no-op', () => {
    const before = [pidOf('kafka'), pidOf('registry')];
    const again = stack('up');
    assert.equal(again.status, 0, again.output);
    assert.match(again.output, /kafka already running/);
    assert.match(again.output, /registry already running/);
    assert.deepEqual([pidOf('kafka'), pidOf('registry')], before);
  });

  it('down leaves no process behind, and a stale pid file does not stop the next up', () => {
    const pids = [pidOf('kafka'), pidOf('registry')];
    const down = stack('down');
    assert.equal(down.status, 0, down.output);
    assert.deepEqual(
      pids.filter((pid) => alive(pid)),
      [],
      'processes still running after down',
    );
    assert.ok(!existsSync(join(stackDir, 'kafka.pid')) && !existsSync(join(stackDir, 'registry.pid')));
    assert.notEqual(stack('status').status, 0);

    writeFileSync(join(stackDir, 'kafka.pid'), '999999'); // a crashed run's leftover
    const up = stack('up');
    assert.equal(up.status, 0, up.output);
    assert.match(up.output, /removing stale pid file for kafka/);
    const down2 = stack('down');
    assert.equal(down2.status, 0, down2.output);
  });

  it('reports a version that cannot be resolved plainly', () => {
    const result = spawnSync('bash', ['deploy/local/stack.sh', 'up'], {
      cwd: root,
      env: { ...env, KAFKA_VERSION: '0.0.404', TW_CACHE_DIR: join(stackDir, 'cache') },
      encoding: 'utf8',
    });
    assert.notEqual(result.status, 0);
    assert.match(
      `${result.stdout}${result.stderr}`,
      /Kafka 0\.0\.404 could not be resolved from Maven Central/,
    );
  });
});
