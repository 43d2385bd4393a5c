import { Controller, Get, HttpStatus, Logger, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, SessionService, UserAuth } from '@one-api/server-auth';
import { ApiError, badRequest, conflict, Envelope, ok, randomAlnum, safeEqual } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { OptionsService } from '@one-api/server-options';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { User } from '@one-api/server-db';
import { normalizeEmail, toLoginView, VerificationCodeService } from '@one-api/server-users';
import { ExternalIdentity, ExternalSignInService, IdentityKind } from './external-sign-in.service';
import { GitHubService } from './github.service';
import { OidcService } from './oidc.service';
import { isNavigation, safeReturnPath, trimSlash } from './redirects';

export const OAUTH_FLOW_COOKIE = 'oauth_flow';
export const OAUTH_FLOW_PATH = '/api/oauth';
const OAUTH_FLOW_TTL = 10 * 60;
const FLOW_PURPOSE = 'oauth-flow';

/** What the browser carries between leaving for the provider and coming back (sealed, httpOnly cookie). */
interface Flow extends Record<string, unknown> {
  /** provider the flow was started for; 'any' for One API's /api/oauth/state */
  p: IdentityKind | 'any';
  /** state */
  s: string;
  /** nonce (OIDC, started here) */
  n?: string;
  /** PKCE code verifier (OIDC, started here) */
  v?: string;
  /** 'redirect': started by /start, finish with redirects; 'json': One API front-end flow, finish with JSON */
  m: 'redirect' | 'json';
  /** path to return to */
  r?: string;
  /** redirect_uri used at the provider */
  ru?: string;
}

/**
 * Single sign-on. Two ways in:
 * - `GET /api/oauth/oidc/start` and `GET /api/oauth/github/start` (what the admin app's buttons link to): the server
 *   builds the provider URL with state (+ nonce and PKCE for OIDC), keeps them in a sealed cookie, redirects; the
 *   provider returns to `/api/oauth/{oidc,github}`, which signs in and redirects to `return_to` (default `/`), or to
 *   `/login?oauth_error=…` on failure.
 * - One API's front-end flow: `GET /api/oauth/state` (state in the same cookie), the front end sends the browser to
 *   the provider with redirect URI `{ServerAddress}/oauth/{oidc,github}` and then calls `/api/oauth/{oidc,github}`
 *   from script, which answers with the envelope.
 */
@Controller('api/oauth')
export class OAuthController {
  private readonly logger = new Logger('OAuth');

  constructor(
    private readonly sessions: SessionService,
    private readonly options: OptionsService,
    private readonly config: AppConfig,
    private readonly oidc: OidcService,
    private readonly github: GitHubService,
    private readonly external: ExternalSignInService,
  ) {}

  private serverAddress(req: Request): string {
    return trimSlash(this.options.get('ServerAddress').trim()) || `${req.protocol}://${req.get('host')}`;
  }

  private frontend(): string {
    return trimSlash(this.config.frontendBaseUrl.trim());
  }

  private saveFlow(res: Response, flow: Flow): void {
    this.sessions.setFlowCookie(
      res,
      OAUTH_FLOW_COOKIE,
      this.sessions.seal(FLOW_PURPOSE, flow, OAUTH_FLOW_TTL),
      OAUTH_FLOW_PATH,
      OAUTH_FLOW_TTL,
    );
  }

  private failRedirect(res: Response, error: unknown): void {
    const message = error instanceof Error ? messageOf(error) : 'Sign-in failed';
    res.redirect(302, `${this.frontend()}/login?oauth_error=${encodeURIComponent(message)}`);
  }

  // ---------------------------------------------------------------- One API's state

  @Get('state')
  state(@Res({ passthrough: true }) res: Response): Envelope<string> {
    const state = randomAlnum(12);
    this.saveFlow(res, { p: 'any', s: state, m: 'json' });
    return ok(state);
  }

  // ---------------------------------------------------------------- OIDC

  @Get('oidc/start')
  async oidcStart(
    @Req() req: Request,
    @Res() res: Response,
    @Query('return_to') returnTo?: string,
  ): Promise<void> {
    try {
      const redirectUri = `${this.serverAddress(req)}/api/oauth/oidc`;
      const auth = await this.oidc.authorize(redirectUri);
      this.saveFlow(res, {
        p: 'oidc',
        s: auth.state,
        n: auth.nonce,
        v: auth.codeVerifier,
        m: 'redirect',
        r: safeReturnPath(returnTo),
        ru: redirectUri,
      });
      res.redirect(302, auth.url);
    } catch (error) {
      this.failRedirect(res, error);
    }
  }

  @Get('oidc')
  async oidcCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.finish(req, res, 'oidc', async (flow) => {
      const callbackUrl = new URL(flow.ru ?? `${this.serverAddress(req)}/oauth/oidc`);
      for (const [key, value] of Object.entries(req.query)) {
        if (typeof value === 'string') callbackUrl.searchParams.append(key, value);
      }
      const identity = await this.oidc.complete(callbackUrl, {
        state: flow.s,
        nonce: flow.n,
        codeVerifier: flow.v,
      });
      return {
        id: identity.sub,
        username: identity.preferredUsername,
        displayName: identity.name,
        email: identity.email,
      };
    });
  }

  // ---------------------------------------------------------------- GitHub

  @Get('github/start')
  async githubStart(
    @Req() req: Request,
    @Res() res: Response,
    @Query('return_to') returnTo?: string,
  ): Promise<void> {
    try {
      const redirectUri = `${this.serverAddress(req)}/api/oauth/github`;
      const state = randomAlnum(24);
      const url = this.github.authorizeUrl(state, redirectUri);
      this.saveFlow(res, {
        p: 'github',
        s: state,
        m: 'redirect',
        r: safeReturnPath(returnTo),
        ru: redirectUri,
      });
      res.redirect(302, url);
    } catch (error) {
      this.failRedirect(res, error);
    }
  }

  @Get('github')
  async githubCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.finish(req, res, 'github', async (flow) => {
      const code = req.query.code;
      if (typeof code !== 'string' || !code) throw badRequest('code is required');
      const identity = await this.github.identify(code, flow.ru);
      return {
        id: identity.login,
        username: identity.login,
        displayName: identity.name || identity.login,
        email: identity.email,
      };
    });
  }

  /** Shared end of every callback: the flow cookie and state are checked before the provider is asked anything. */
  private async finish(
    req: Request,
    res: Response,
    kind: IdentityKind,
    identify: (flow: Flow) => Promise<ExternalIdentity>,
  ): Promise<void> {
    const flow = this.sessions.open<Flow>(
      FLOW_PURPOSE,
      (req.cookies as Record<string, string> | undefined)?.[OAUTH_FLOW_COOKIE],
    );
    const mode = flow?.m ?? (isNavigation(req) ? 'redirect' : 'json');
    this.sessions.clearFlowCookie(res, OAUTH_FLOW_COOKIE, OAUTH_FLOW_PATH);
    try {
      if (!flow || (flow.p !== kind && flow.p !== 'any')) {
        throw new ApiError(
          'The sign-in was not started here or has expired: start again',
          HttpStatus.BAD_REQUEST,
        );
      }
      const state = req.query.state;
      if (typeof state !== 'string' || !safeEqual(state, flow.s)) {
        throw new ApiError('OAuth state mismatch: start the sign-in again', HttpStatus.BAD_REQUEST);
      }
      const providerError = req.query.error;
      if (typeof providerError === 'string' && providerError) {
        const description = req.query.error_description;
        throw new ApiError(
          `The identity provider refused the sign-in: ${typeof description === 'string' && description ? description : providerError}`,
          HttpStatus.UNAUTHORIZED,
        );
      }
      const identity = await identify(flow);
      const user = await this.external.signIn(kind, identity, await this.external.currentUser(req));
      this.sessions.issue(res, user);
      if (mode === 'redirect') res.redirect(302, `${this.frontend()}${flow.r ?? '/'}`);
      else res.status(200).json(ok(toLoginView(user)));
    } catch (error) {
      this.logger.warn(`${kind} sign-in refused: ${messageOf(error)}`);
      if (mode === 'redirect') this.failRedirect(res, error);
      else throw error;
    }
  }
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const body = error.getResponse() as { message?: string };
    return body.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** GET /api/oauth/email/bind: a signed-in user proves an address with an emailed code and makes it theirs. */
@Controller('api/oauth/email')
export class EmailBindController {
  constructor(
    private readonly codes: VerificationCodeService,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  @Get('bind')
  @UserAuth()
  async bind(
    @CurrentUser() caller: AuthUser,
    @Query('email') email?: string,
    @Query('code') code?: string,
  ): Promise<Envelope> {
    if (!email || !code) throw badRequest('email and code are required');
    if (!(await this.codes.consume('email', email, code))) {
      throw badRequest('Invalid or expired verification code');
    }
    const address = normalizeEmail(email);
    const owner = await this.users.findOne({ where: { email: address }, order: { id: 'ASC' } });
    if (owner && owner.id !== caller.id)
      throw conflict('This email address is already used by another account');
    await this.users.update({ id: caller.id }, { email: address });
    return ok();
  }
}
