// Sign-in for the pages: who the request's session cookie names, the cookie to set after a local or
// OIDC sign-in, and the CSRF check of every form. One place, so no page can forget it.
import type { Request, Response } from 'express';

import { ConsoleErrorCode, ConsoleException } from '../ops-console.exception';
import type { ConsoleUser } from './console-user';
import type { LocalUsers } from './local-users';
import type { OidcClient, PendingLogin } from './oidc.client';
import type { AuthSettings } from './oidc.settings';
import { parseCookies, type Session, SESSION_COOKIE, type SessionSigner } from './session';

const OIDC_COOKIE = 'tw_console_oidc';

export class ConsoleAuth {
  constructor(
    readonly settings: AuthSettings,
    private readonly signer: SessionSigner,
    private readonly secureCookies: 'auto' | 'always' | 'never',
    private readonly local: LocalUsers | undefined,
    private readonly oidc: OidcClient | undefined,
  ) {}

  get mode(): 'local' | 'oidc' {
    return this.settings.mode;
  }

  session(req: Request): Session | undefined {
    return this.signer.verify(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
  }

  /** The signed-in user, or Unauthenticated (the pages redirect to /login). */
  require(req: Request): Session {
    const session = this.session(req);
    if (session === undefined) throw new ConsoleException(ConsoleErrorCode.Unauthenticated, 'Sign in first.');
    return session;
  }

  /** The user of a form post whose CSRF token matches the session. */
  requireForm(req: Request): ConsoleUser {
    const session = this.require(req);
    const body = req.body as Record<string, unknown> | undefined;
    if (!this.signer.checkCsrf(session, body?._csrf)) {
      throw new ConsoleException(
        ConsoleErrorCode.CsrfMismatch,
        'The form expired or came from elsewhere: reload the page and try again.',
      );
    }
    return session.user;
  }

  csrfToken(session: Session): string {
    return this.signer.csrfToken(session);
  }

  async signInLocal(
    username: string,
    password: string,
    req: Request,
    res: Response,
  ): Promise<ConsoleUser | undefined> {
    if (this.local === undefined) return undefined;
    const user = await this.local.authenticate(username, password);
    if (user !== undefined) this.setSession(user, req, res);
    return user;
  }

  async startOidc(req: Request, res: Response): Promise<URL> {
    if (this.oidc === undefined)
      throw new ConsoleException(ConsoleErrorCode.NotFound, 'OpenID Connect is not configured.');
    const { url, pending } = await this.oidc.start();
    res.cookie(
      OIDC_COOKIE,
      this.signer.seal(JSON.stringify(pending), 600_000),
      this.cookieOptions(req, 600_000),
    );
    return url;
  }

  async finishOidc(req: Request, res: Response): Promise<ConsoleUser> {
    if (this.oidc === undefined || this.settings.mode !== 'oidc') {
      throw new ConsoleException(ConsoleErrorCode.NotFound, 'OpenID Connect is not configured.');
    }
    const sealed = this.signer.unseal(parseCookies(req.headers.cookie).get(OIDC_COOKIE));
    if (sealed === undefined)
      throw new ConsoleException(ConsoleErrorCode.Unauthenticated, 'The sign-in took too long; start again.');
    const callback = new URL(req.originalUrl, this.settings.oidc.redirectUrl);
    const user = await this.oidc.finish(callback, JSON.parse(sealed) as PendingLogin);
    res.clearCookie(OIDC_COOKIE);
    this.setSession(user, req, res);
    return user;
  }

  signOut(res: Response): void {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  private setSession(user: ConsoleUser, req: Request, res: Response): void {
    const { cookie } = this.signer.issue(user);
    res.cookie(SESSION_COOKIE, cookie, this.cookieOptions(req, this.settings.sessionTtlMs));
  }

  private cookieOptions(
    req: Request,
    maxAge: number,
  ): { httpOnly: true; sameSite: 'lax'; secure: boolean; path: string; maxAge: number } {
    const secure = this.secureCookies === 'always' || (this.secureCookies === 'auto' && req.secure);
    return { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge };
  }
}
