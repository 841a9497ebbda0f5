// Signed session cookies and CSRF tokens, stateless: the cookie holds the user and an expiry, signed
// with HMAC-SHA256 (OPS_CONSOLE_SESSION_SECRET); a form's CSRF token is an HMAC of the session id, so
// another site can neither read nor forge it. Comparisons are constant time.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { ConsoleRole, ConsoleUser } from './console-user';

export const SESSION_COOKIE = 'tw_console_session';

interface SessionPayload {
  readonly sid: string;
  readonly sub: string;
  readonly name: string;
  readonly roles: readonly ConsoleRole[];
  readonly workflows: readonly string[];
  /** Epoch ms. */
  readonly exp: number;
}

export interface Session {
  readonly sid: string;
  readonly user: ConsoleUser;
  readonly expiresAt: number;
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }

  issue(user: ConsoleUser): { cookie: string; session: Session } {
    const payload: SessionPayload = {
      sid: randomBytes(16).toString('base64url'),
      sub: user.id,
      name: user.name,
      roles: user.roles,
      workflows: user.workflows,
      exp: this.now() + this.ttlMs,
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return {
      cookie: `${body}.${this.sign(`session.${body}`)}`,
      session: { sid: payload.sid, user, expiresAt: payload.exp },
    };
  }

  /** The session of a cookie value, or undefined when it is forged, altered or expired. */
  verify(cookie: string | undefined): Session | undefined {
    if (cookie === undefined) return undefined;
    const [body, signature, extra] = cookie.split('.');
    if (body === undefined || signature === undefined || extra !== undefined) return undefined;
    if (!equalText(signature, this.sign(`session.${body}`))) return undefined;
    let payload: SessionPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionPayload;
    } catch {
      return undefined;
    }
    if (typeof payload.exp !== 'number' || payload.exp <= this.now()) return undefined;
    return {
      sid: payload.sid,
      user: { id: payload.sub, name: payload.name, roles: payload.roles, workflows: payload.workflows },
      expiresAt: payload.exp,
    };
  }

  csrfToken(session: Session): string {
    return this.sign(`csrf.${session.sid}`);
  }

  checkCsrf(session: Session, token: unknown): boolean {
    return typeof token === 'string' && equalText(token, this.csrfToken(session));
  }

  /** A short-lived signed value (the OIDC state and nonce cookie). */
  seal(value: string, ttlMs: number): string {
    const body = Buffer.from(JSON.stringify({ v: value, exp: this.now() + ttlMs })).toString('base64url');
    return `${body}.${this.sign(`seal.${body}`)}`;
  }

  unseal(sealed: string | undefined): string | undefined {
    if (sealed === undefined) return undefined;
    const [body, signature] = sealed.split('.');
    if (body === undefined || signature === undefined || !equalText(signature, this.sign(`seal.${body}`))) {
      return undefined;
    }
    const { v, exp } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      v: string;
      exp: number;
    };
    return exp > this.now() ? v : undefined;
  }
}

/** Cookie header → name/value pairs (RFC 6265 syntax; values as sent). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, decodeURIComponent(part.slice(at + 1).trim()));
  }
  return cookies;
}
