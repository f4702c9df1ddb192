import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { cameOverHttps, cookieOf } from './session-cookie';

export const OIDC_STATE_COOKIE = 'takst_oidc';
/** Only the start and the callback need it. */
const COOKIE_PATH = '/auth/oidc';
/** Time enough to sign in at the provider, and no more. */
export const OIDC_STATE_TTL_SECONDS = 10 * 60;

/**
 * A sign-in under way in this browser: the PKCE verifier, state and nonce the callback must
 * match, where to go afterwards, and when it stops being valid (epoch ms). It travels in the
 * browser's cookie rather than in server memory, so the callback may reach any server process.
 */
export interface PendingSignIn {
  codeVerifier: string;
  state: string;
  nonce: string;
  returnTo: string;
  expiresAt: number;
}

const pendingSchema = z.object({
  codeVerifier: z.string().min(43).max(128),
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200),
  returnTo: z.string(),
  expiresAt: z.number(),
});

/**
 * `returnTo` when it is a path on this server, else `/`. A second `/` or a backslash after the
 * first (`//evil.example`, `/\evil.example`) and whitespace or control characters (which URL
 * parsers drop) could lead a browser to another site.
 */
export function safeReturnTo(returnTo: unknown): string {
  if (typeof returnTo !== 'string' || returnTo.length > 2_000) return '/';
  if (!returnTo.startsWith('/') || returnTo[1] === '/' || [...returnTo].some(unsafeInPath)) return '/';
  const base = 'http://takst.invalid';
  return new URL(returnTo, base).origin === base ? returnTo : '/';
}

/** Spaces, control characters and backslashes: never in a path we send a browser to. */
function unsafeInPath(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return code <= 0x20 || code === 0x7f || character === '\\' || /\s/.test(character);
}

function cookie(req: IncomingMessage, value: string, maxAgeSeconds: number): string {
  const parts = [`${OIDC_STATE_COOKIE}=${value}`, 'HttpOnly', 'SameSite=Lax', `Path=${COOKIE_PATH}`];
  parts.push(`Max-Age=${maxAgeSeconds}`);
  if (cameOverHttps(req)) parts.push('Secure');
  return parts.join('; ');
}

/** The Set-Cookie value that keeps the sign-in under way until the callback. */
export const pendingSignInCookie = (req: IncomingMessage, pending: PendingSignIn): string =>
  cookie(req, Buffer.from(JSON.stringify(pending)).toString('base64url'), OIDC_STATE_TTL_SECONDS);

/** The Set-Cookie value that drops it: it is good for one callback only. */
export const clearedPendingSignInCookie = (req: IncomingMessage): string => cookie(req, '', 0);

/** The sign-in under way in this browser, or null when there is none, or it is unreadable or expired. */
export function pendingSignInOf(req: IncomingMessage, now = Date.now()): PendingSignIn | null {
  const value = cookieOf(req, OIDC_STATE_COOKIE);
  if (!value || value.length > 4_096) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = pendingSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.expiresAt <= now) return null;
  return { ...parsed.data, returnTo: safeReturnTo(parsed.data.returnTo) };
}
