// OpenID Connect sign-in (authorization code with PKCE, state and nonce) with openid-client: discovery
// on first use, the console's roles and workflows from configurable ID token claims. A user whose token
// carries no console role is refused, never let in with defaults.
import type * as OpenId from 'openid-client';

import { ConsoleErrorCode, ConsoleException } from '../ops-console.exception';
import { type ConsoleUser, isConsoleRole } from './console-user';
import type { OidcSettings } from './oidc.settings';

export interface PendingLogin {
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? value.split(/[ ,]+/).filter((v) => v.length > 0) : [];
}

/** The console user of an ID token's claims. */
export function userFromClaims(claims: Record<string, unknown>, settings: OidcSettings): ConsoleUser {
  const roles = strings(claims[settings.rolesClaim]).filter(isConsoleRole);
  if (roles.length === 0) {
    throw new ConsoleException(
      ConsoleErrorCode.Forbidden,
      `the ID token's ${settings.rolesClaim} claim names no console role (business, engineer, auditor)`,
    );
  }
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  const name = [claims.name, claims.preferred_username, claims.email, sub].find(
    (v) => typeof v === 'string' && v !== '',
  );
  return {
    id: `oidc:${sub}`,
    name: String(name),
    roles,
    workflows: strings(claims[settings.workflowsClaim]),
  };
}

export class OidcClient {
  private configuration: Promise<OpenId.Configuration> | undefined;

  constructor(private readonly settings: OidcSettings) {}

  private async lib(): Promise<typeof OpenId> {
    return import('openid-client');
  }

  private config(): Promise<OpenId.Configuration> {
    this.configuration ??= this.lib()
      .then((client) =>
        client.discovery(
          this.settings.issuerUrl,
          this.settings.clientId,
          this.settings.clientSecret,
          undefined,
          {
            execute: this.settings.issuerUrl.protocol === 'http:' ? [client.allowInsecureRequests] : [],
          },
        ),
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw new ConsoleException(
          ConsoleErrorCode.Unavailable,
          `OIDC discovery at ${this.settings.issuerUrl.href} failed`,
          [],
          {
            cause: error,
          },
        );
      });
    return this.configuration;
  }

  async start(): Promise<{ url: URL; pending: PendingLogin }> {
    const client = await this.lib();
    const config = await this.config();
    const pending = {
      verifier: client.randomPKCECodeVerifier(),
      state: client.randomState(),
      nonce: client.randomNonce(),
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl.href,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  async finish(callbackUrl: URL, pending: PendingLogin): Promise<ConsoleUser> {
    const client = await this.lib();
    const config = await this.config();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (claims === undefined)
      throw new ConsoleException(ConsoleErrorCode.Unauthenticated, 'the issuer sent no ID token');
    return userFromClaims(claims, this.settings);
  }
}
