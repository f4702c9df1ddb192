import { DomainError, type Platform, setPasswordWithToken, signIn, signOut } from '@takst/api';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { refuse } from './http-refusal';
import { handOverSession, originAllowed, sentCsrfHeader, sessionCookie, sessionTokenOf } from './session-cookie';

const signInInput = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1_000) });
const setPasswordInput = z.object({ token: z.string().min(1).max(200), password: z.string().min(1).max(1_000) });

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? null);
  if (result.success) return result.data;
  throw new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', 'The request body is not what this endpoint takes', {
    issues: result.error.issues.map(({ path, message, code }) => ({ path, message, code })),
  });
}

/**
 * Browsers call these with fetch from the console, with the session cookie (or to get one): each
 * must carry `x-takst-csrf: 1` and come from no page or from an allowed origin, as a
 * cookie-authenticated mutation must. That also stops another site signing a browser in to an
 * account of its choosing.
 */
function checkCsrf(req: Request, corsOrigins: readonly string[]): void {
  if (!sentCsrfHeader(req)) {
    throw new DomainError('FORBIDDEN', 'CSRF_REFUSED', 'This endpoint needs the header x-takst-csrf: 1');
  }
  if (!originAllowed(req, corsOrigins)) {
    throw new DomainError('FORBIDDEN', 'CSRF_REFUSED', 'This endpoint is not accepted from this origin');
  }
}

type Handler = (req: Request, res: express.Response) => Promise<unknown>;

/** Answers what the handler returns as JSON, or its refusal in the error shape. */
const answering =
  (corsOrigins: readonly string[], handle: Handler): RequestHandler =>
  async (req, res, next) => {
    try {
      checkCsrf(req, corsOrigins);
      res.json(await handle(req, res));
    } catch (error) {
      if (error instanceof DomainError) refuse(res, error);
      else next(error);
    }
  };

/** JSON the body parser could not read, answered in the error shape. */
const unreadableBody: ErrorRequestHandler = (error, _req, res, next) => {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') {
    refuse(res, new DomainError('PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'The request body is too large'));
  } else if (type === 'entity.parse.failed') {
    refuse(res, new DomainError('BAD_REQUEST', 'BAD_REQUEST', 'The request body is not valid JSON'));
  } else next(error);
};

/** POST /auth/sign-in, /auth/sign-out and /auth/set-password: plain JSON in and out. */
export function authRoutes(platform: Platform, corsOrigins: readonly string[]): express.Router {
  const routes = express.Router();
  routes.use(express.json({ limit: '16kb' }), unreadableBody);

  routes.post(
    '/sign-in',
    answering(corsOrigins, async (req, res) => {
      const { email, password } = parsed(signInInput, req.body);
      const signedIn = await signIn(platform, {
        email,
        password,
        address: req.ip ?? 'unknown',
        userAgent: req.headers['user-agent'] ?? null,
      });
      handOverSession(req, res, signedIn);
      return { user: signedIn.user, expiresAt: signedIn.expiresAt.toISOString() };
    }),
  );

  routes.post(
    '/sign-out',
    answering(corsOrigins, async (req, res) => {
      const token = sessionTokenOf(req);
      const signedOut = token ? await signOut(platform, token) : false;
      res.setHeader('set-cookie', sessionCookie(req, null));
      return { signedOut };
    }),
  );

  routes.post(
    '/set-password',
    answering(corsOrigins, async (req) => {
      const { token, password } = parsed(setPasswordInput, req.body);
      const { userId } = await setPasswordWithToken(platform.orm.em.fork(), token, password);
      return { userId };
    }),
  );

  routes.all(['/sign-in', '/sign-out', '/set-password'], (req, res) => {
    res.setHeader('allow', 'POST');
    refuse(
      res,
      new DomainError('METHOD_NOT_SUPPORTED', 'METHOD_NOT_SUPPORTED', `${req.method} is not supported here; use POST`),
    );
  });
  return routes;
}
