import { DomainError, type Logger, type Platform, signInWithOidc } from '@takst/api';
import type { ErrorCode } from '@takst/contract';
import express, { type Request, type RequestHandler, type Response } from 'express';
import * as oidc from 'openid-client';
import { refuse } from './http-refusal';
import { identityOf } from './oidc-identity';
import type { OidcSettings } from './oidc-settings';
import {
  clearedPendingSignInCookie,
  OIDC_STATE_TTL_SECONDS,
  type PendingSignIn,
  pendingSignInCookie,
  pendingSignInOf,
  safeReturnTo,
} from './oidc-state-cookie';
import { requestIdOf } from './request-id';
import { cameOverHttps, handOverSession } from './session-cookie';

const CALLBACK_PATH = '/auth/oidc/callback';
const SCOPE = 'openid email profile';
/** For each request to the provider; the browser is waiting. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/**
 * The provider's configuration, discovered at the first sign-in rather than at start-up (a
 * provider that is down then must not keep the server from starting), kept once found, and
 * looked for again at the next sign-in after a failure.
 */
function lazyDiscovery(settings: OidcSettings): () => Promise<oidc.Configuration> {
  let discovered: Promise<oidc.Configuration> | null = null;
  return () => {
    if (!discovered) {
      const discovering = oidc.discovery(
        settings.issuer,
        settings.clientId,
        undefined,
        oidc.ClientSecretPost(settings.clientSecret),
        {
          // Only a loopback issuer passes config.ts over plain http.
          execute: settings.insecure ? [oidc.allowInsecureRequests] : [],
          timeout: PROVIDER_TIMEOUT_SECONDS,
        },
      );
      discovered = discovering;
      discovering.catch(() => {
        if (discovered === discovering) discovered = null;
      });
    }
    return discovered;
  };
}

/** Where the provider sends the browser back: as configured, or this server as the browser reached it. */
const redirectUrlOf = (req: Request, settings: OidcSettings): string =>
  settings.redirectUrl ?? `${cameOverHttps(req) ? 'https' : 'http'}://${req.headers.host ?? ''}${CALLBACK_PATH}`;

/** A refusal on the way back to the console, which shows it on its sign-in page. */
class SignInRefused extends Error {
  constructor(
    readonly errorCode: ErrorCode,
    reason: string,
  ) {
    super(reason);
  }
}

const stateInvalid = (reason: string) => new SignInRefused('OIDC_STATE_INVALID', reason);
const providerUnavailable = (error: unknown) =>
  new SignInRefused('SERVICE_UNAVAILABLE', `OpenID discovery failed: ${providerReason(error)}`);

const notConfigured = () =>
  new DomainError('NOT_FOUND', 'OIDC_NOT_CONFIGURED', 'Single sign-on is not configured on this server');

/** What went wrong with the provider, for the log: its error code and message, never a token. */
function providerReason(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return `the provider answered ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  }
  const { code, message } = error as { code?: unknown; message?: unknown };
  return `${typeof code === 'string' ? `${code}: ` : ''}${String(message ?? error)}`;
}

/** The ID token's claims, after openid-client checked the code, state, nonce, PKCE and signature. */
async function exchangeCode(
  configuration: oidc.Configuration,
  callbackUrl: URL,
  pending: PendingSignIn,
): Promise<Record<string, unknown>> {
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
    });
  } catch (error) {
    throw stateInvalid(providerReason(error));
  }
  const claims = tokens.claims();
  if (!claims) throw stateInvalid('the provider sent no ID token');
  return claims;
}

/** Sends the browser to the console's sign-in page with the error code, and logs why. */
function sendBackRefused(res: Response, logger: Logger, refusal: SignInRefused | DomainError, requestId: string) {
  logger.warn({ requestId, errorCode: refusal.errorCode, reason: refusal.message }, 'single sign-on refused');
  res.redirect(302, `/?signInError=${refusal.errorCode}`);
}

/** A path served for GET (and HEAD) only. */
const getOnly: RequestHandler = (req, res) => {
  res.setHeader('allow', 'GET, HEAD');
  refuse(
    res,
    new DomainError('METHOD_NOT_SUPPORTED', 'METHOD_NOT_SUPPORTED', `${req.method} is not supported here; use GET`),
  );
};

/**
 * GET /auth/config, /auth/oidc/start and /auth/oidc/callback: single sign-on with OpenID Connect
 * (authorization code with PKCE) when `settings` is given. These are browser navigations, not
 * fetch calls: they answer with redirects, and need no CSRF header (the state cookie and the
 * provider's own checks protect the callback).
 */
export function oidcRoutes(platform: Platform, settings: OidcSettings | null): express.Router {
  const routes = express.Router();
  const { logger } = platform;
  const provider = settings ? lazyDiscovery(settings) : null;

  routes.get('/config', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json({ password: true, sso: settings ? { name: settings.name } : null });
  });

  routes.get('/oidc/start', async (req, res) => {
    if (!settings || !provider) return refuse(res, notConfigured());
    res.setHeader('cache-control', 'no-store');
    let configuration: oidc.Configuration;
    try {
      configuration = await provider();
    } catch (error) {
      return sendBackRefused(res, logger, providerUnavailable(error), requestIdOf(req));
    }
    const pending: PendingSignIn = {
      codeVerifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      returnTo: safeReturnTo(req.query.returnTo),
      expiresAt: Date.now() + OIDC_STATE_TTL_SECONDS * 1000,
    };
    const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUrlOf(req, settings),
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    res.setHeader('set-cookie', pendingSignInCookie(req, pending));
    res.redirect(302, authorizationUrl.href);
  });

  routes.get('/oidc/callback', async (req, res) => {
    if (!settings || !provider) return refuse(res, notConfigured());
    const requestId = requestIdOf(req);
    const pending = pendingSignInOf(req);
    res.appendHeader('set-cookie', clearedPendingSignInCookie(req));
    res.setHeader('cache-control', 'no-store');
    try {
      if (!pending) throw stateInvalid('no sign-in under way in this browser (no state cookie, or an expired one)');
      const configuration = await provider().catch((error: unknown) => {
        throw providerUnavailable(error);
      });
      const callbackUrl = new URL(redirectUrlOf(req, settings));
      callbackUrl.search = new URL(req.originalUrl, 'http://callback.invalid').search;
      const claims = await exchangeCode(configuration, callbackUrl, pending);
      const identity = identityOf(claims, settings);
      const signedIn = await signInWithOidc(platform, {
        ...identity,
        address: req.ip ?? 'unknown',
        userAgent: req.headers['user-agent'] ?? null,
        requestId,
      });
      handOverSession(req, res, signedIn);
      logger.info(
        { requestId, userId: signedIn.user.id, sessionId: signedIn.sessionId },
        'signed in with single sign-on',
      );
      res.redirect(302, pending.returnTo);
    } catch (error) {
      if (error instanceof SignInRefused || error instanceof DomainError) {
        sendBackRefused(res, logger, error, requestId);
      } else throw error;
    }
  });

  routes.all(['/config', '/oidc/start', '/oidc/callback'], getOnly);
  return routes;
}
