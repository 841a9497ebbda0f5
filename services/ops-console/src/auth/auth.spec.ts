import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { loadConfig } from '@tradewind/config';

import { opsConsoleConfig } from '../ops-console.config';
import { ConsoleErrorCode, ConsoleException } from '../ops-console.exception';
import { ConsoleRole } from './console-user';
import { hashPassword, LocalUsers, verifyPassword } from './local-users';
import { userFromClaims } from './oidc.client';
import { authSettingsFrom } from './oidc.settings';
import { SessionSigner } from './session';

const SECRET = 'a-session-secret-of-at-least-32-characters';
const bea = { id: 'bea', name: 'Bea', roles: [ConsoleRole.Business], workflows: ['order'] };

function auth(env: Record<string, string>) {
  return loadConfig(opsConsoleConfig, { OPS_CONSOLE_SESSION_SECRET: SECRET, ...env }).values.auth;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConsoleException);
    assert.equal(error.code, ConsoleErrorCode.Misconfigured);
    return error.problems.map((p) => p.message);
  }
  assert.fail('no problem reported');
}

describe('sign-in configuration', () => {
  it('takes a complete OIDC configuration', () => {
    const settings = authSettingsFrom(
      auth({
        OPS_CONSOLE_AUTH: 'oidc',
        OIDC_ISSUER_URL: 'https://login.example.com/realms/tradewind',
        OIDC_CLIENT_ID: 'ops-console',
        OIDC_CLIENT_SECRET: 'client-secret',
        OIDC_REDIRECT_URL: 'https://ops.example.com/auth/oidc/callback',
      }),
    );
    assert.equal(settings.mode, 'oidc');
    assert.equal(settings.mode === 'oidc' && settings.oidc.issuerUrl.host, 'login.example.com');
  });

  it('names every missing or unsafe OIDC setting at once', () => {
    const problems = problemsOf(() =>
      authSettingsFrom(
        auth({
          OPS_CONSOLE_AUTH: 'oidc',
          OIDC_ISSUER_URL: 'http://login.example.com',
          OIDC_REDIRECT_URL: 'https://ops.example.com/callback',
          OPS_CONSOLE_SESSION_SECRET: 'short',
        }),
      ),
    );
    assert.deepEqual(problems, [
      'OPS_CONSOLE_SESSION_SECRET must be at least 32 characters',
      'OIDC_ISSUER_URL: http://login.example.com must use https (http only on loopback)',
      'OIDC_CLIENT_ID is required when OPS_CONSOLE_AUTH=oidc',
      'OIDC_CLIENT_SECRET is required when OPS_CONSOLE_AUTH=oidc',
      'OIDC_REDIRECT_URL must end in /auth/oidc/callback (is /callback)',
    ]);
  });

  it('allows plain HTTP for an issuer on loopback only', () => {
    const settings = authSettingsFrom(
      auth({
        OPS_CONSOLE_AUTH: 'oidc',
        OIDC_ISSUER_URL: 'http://127.0.0.1:8080/realms/dev',
        OIDC_CLIENT_ID: 'c',
        OIDC_CLIENT_SECRET: 's',
        OIDC_REDIRECT_URL: 'http://localhost:3100/auth/oidc/callback',
      }),
    );
    assert.equal(settings.mode, 'oidc');
  });

  it('needs a users file for local sign-in in production', () => {
    const { values } = loadConfig(opsConsoleConfig, {
      NODE_ENV: 'production',
      OPS_CONSOLE_SESSION_SECRET: SECRET,
      KAFKA_BROKERS: 'kafka:9092',
      SCHEMA_REGISTRY_URL: 'http://registry:8080',
      DATABASE_URL: 'postgres://db/tradewind',
    });
    assert.deepEqual(
      problemsOf(() => authSettingsFrom(values.auth)),
      ['OPS_CONSOLE_USERS_FILE is required when OPS_CONSOLE_AUTH=local'],
    );
  });

  it('maps ID token claims to a console user and refuses a token without a console role', () => {
    const settings = {
      issuerUrl: new URL('https://login.example.com'),
      clientId: 'c',
      clientSecret: 's',
      redirectUrl: new URL('https://ops.example.com/auth/oidc/callback'),
      rolesClaim: 'roles',
      workflowsClaim: 'workflows',
    };
    const user = userFromClaims(
      { sub: 'u1', name: 'Ursula', roles: ['business', 'admin'], workflows: 'order invoice' },
      settings,
    );
    assert.deepEqual(user, {
      id: 'oidc:u1',
      name: 'Ursula',
      roles: ['business'],
      workflows: ['order', 'invoice'],
    });
    assert.throws(() => userFromClaims({ sub: 'u2', roles: ['admin'] }, settings), /names no console role/);
  });
});

describe('local users and sessions', () => {
  it('verifies scrypt hashes and refuses a wrong password or an unknown user', async () => {
    const hash = await hashPassword('correct horse battery', { N: 1024, r: 8, p: 1 });
    assert.equal(await verifyPassword('correct horse battery', hash), true);
    assert.equal(await verifyPassword('correct horse batterz', hash), false);
    const dir = mkdtempSync(join(tmpdir(), 'ops-users-'));
    const file = join(dir, 'users.json');
    writeFileSync(
      file,
      JSON.stringify([
        { username: 'bea', name: 'Bea', passwordHash: hash, roles: ['business'], workflows: ['order'] },
      ]),
    );
    const users = LocalUsers.load(file);
    assert.equal((await users.authenticate('bea', 'correct horse battery'))?.id, 'bea');
    assert.equal(await users.authenticate('bea', 'nope'), undefined);
    assert.equal(await users.authenticate('zed', 'correct horse battery'), undefined);
  });

  it('refuses a users file with a bad entry, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-users-'));
    const file = join(dir, 'users.json');
    writeFileSync(
      file,
      JSON.stringify([
        { username: 'Bea!', name: '', passwordHash: 'plain', roles: ['root'], workflows: 'order' },
      ]),
    );
    assert.throws(
      () => LocalUsers.load(file),
      /username must be[\s\S]*name is missing[\s\S]*passwordHash[\s\S]*roles[\s\S]*workflows/,
    );
  });

  it('signs sessions: a forged, altered or expired cookie is nobody', () => {
    let now = 1_000_000;
    const signer = new SessionSigner(SECRET, 60_000, () => now);
    const { cookie } = signer.issue(bea);
    assert.deepEqual(signer.verify(cookie)?.user, bea);
    const [body, sig] = cookie.split('.');
    const tampered = Buffer.from(
      Buffer.from(body, 'base64url').toString().replace('business', 'engineer'),
    ).toString('base64url');
    assert.equal(signer.verify(`${tampered}.${sig}`), undefined);
    assert.equal(new SessionSigner(`${SECRET}-other`, 60_000, () => now).verify(cookie), undefined);
    now += 60_001;
    assert.equal(signer.verify(cookie), undefined);
  });

  it("ties CSRF tokens to the session: another session's token is refused", () => {
    const signer = new SessionSigner(SECRET, 60_000);
    const one = signer.issue(bea).session;
    const two = signer.issue(bea).session;
    assert.equal(signer.checkCsrf(one, signer.csrfToken(one)), true);
    assert.equal(signer.checkCsrf(one, signer.csrfToken(two)), false);
    assert.equal(signer.checkCsrf(one, undefined), false);
  });
});
