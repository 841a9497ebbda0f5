// How the console signs people in, checked once at start-up: OpenID Connect needs an issuer, a client
// and a callback over HTTPS (plain HTTP only on loopback, for a local issuer); local users need their
// file. Every problem is named at once, as the platform's config does, and the service does not start.
import type { OpsConsoleConfig } from '../ops-console.config';
import { ConsoleErrorCode, ConsoleException } from '../ops-console.exception';

export interface OidcSettings {
  readonly issuerUrl: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUrl: URL;
  readonly rolesClaim: string;
  readonly workflowsClaim: string;
}

export type AuthSettings =
  | {
      readonly mode: 'local';
      readonly usersFile: string;
      readonly sessionSecret: string;
      readonly sessionTtlMs: number;
    }
  | {
      readonly mode: 'oidc';
      readonly oidc: OidcSettings;
      readonly sessionSecret: string;
      readonly sessionTtlMs: number;
    };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function secureUrl(name: string, value: string | undefined, problems: string[]): URL | undefined {
  if (value === undefined) {
    problems.push(`${name} is required when OPS_CONSOLE_AUTH=oidc`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${name}: ${JSON.stringify(value)} is not a URL`);
    return undefined;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    problems.push(`${name}: ${url.origin} must use https (http only on loopback)`);
    return undefined;
  }
  return url;
}

export function authSettingsFrom(auth: OpsConsoleConfig['auth']): AuthSettings {
  const problems: string[] = [];
  if (auth.sessionSecret.length < 32)
    problems.push('OPS_CONSOLE_SESSION_SECRET must be at least 32 characters');
  if (auth.mode === 'local') {
    if (auth.usersFile === undefined)
      problems.push('OPS_CONSOLE_USERS_FILE is required when OPS_CONSOLE_AUTH=local');
    if (problems.length > 0) throw misconfigured(problems);
    return {
      mode: 'local',
      usersFile: auth.usersFile!,
      sessionSecret: auth.sessionSecret,
      sessionTtlMs: auth.sessionTtlMs,
    };
  }
  const { oidc } = auth;
  const issuerUrl = secureUrl('OIDC_ISSUER_URL', oidc.issuerUrl, problems);
  const redirectUrl = secureUrl('OIDC_REDIRECT_URL', oidc.redirectUrl, problems);
  if (oidc.clientId === undefined) problems.push('OIDC_CLIENT_ID is required when OPS_CONSOLE_AUTH=oidc');
  if (oidc.clientSecret === undefined)
    problems.push('OIDC_CLIENT_SECRET is required when OPS_CONSOLE_AUTH=oidc');
  if (redirectUrl !== undefined && redirectUrl.pathname !== '/auth/oidc/callback') {
    problems.push(`OIDC_REDIRECT_URL must end in /auth/oidc/callback (is ${redirectUrl.pathname})`);
  }
  if (problems.length > 0) throw misconfigured(problems);
  return {
    mode: 'oidc',
    oidc: {
      issuerUrl: issuerUrl!,
      clientId: oidc.clientId!,
      clientSecret: oidc.clientSecret!,
      redirectUrl: redirectUrl!,
      rolesClaim: oidc.rolesClaim,
      workflowsClaim: oidc.workflowsClaim,
    },
    sessionSecret: auth.sessionSecret,
    sessionTtlMs: auth.sessionTtlMs,
  };
}

function misconfigured(problems: string[]): ConsoleException {
  return new ConsoleException(
    ConsoleErrorCode.Misconfigured,
    `ops-console sign-in is misconfigured:\n  ${problems.join('\n  ')}`,
    problems.map((message) => ({ message })),
  );
}
