import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

export const SESSION_COOKIE = 'takst_session';
export const CSRF_HEADER = 'x-takst-csrf';

/** The value of the request's cookie of this name, or null. */
export function cookieOf(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim() || null;
  }
  return null;
}

/** The `takst_session` cookie's value, or null. */
export const sessionTokenOf = (req: IncomingMessage): string | null => cookieOf(req, SESSION_COOKIE);

export const sentCsrfHeader = (req: IncomingMessage): boolean => req.headers[CSRF_HEADER] === '1';

/** Whether the request came over https, here or at a proxy in front that says so. */
export function cameOverHttps(req: IncomingMessage): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted) return true;
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/**
 * Whether the request's Origin, when it sends one, is the server's own (the scheme and Host it
 * was reached by) or allow-listed. Browsers send Origin with every cross-site POST, so a page
 * elsewhere cannot pass for ours; a request without one comes from no page at all.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const own = `${cameOverHttps(req) ? 'https' : 'http'}://${req.headers.host ?? ''}`;
  return origin === own || allowed.includes(origin);
}

/** The Set-Cookie value that hands the browser a session, or (with no token) takes it back. */
export function sessionCookie(req: IncomingMessage, token: string | null, maxAgeSeconds = 0): string {
  const parts = [`${SESSION_COOKIE}=${token ?? ''}`, 'HttpOnly', 'SameSite=Lax', 'Path=/'];
  // Without an expiry the cookie lasts the browser session; the server's own expiry still rules.
  parts.push(token === null ? 'Max-Age=0' : `Max-Age=${maxAgeSeconds}`);
  if (cameOverHttps(req)) parts.push('Secure');
  return parts.join('; ');
}

/**
 * Hands the browser a session just opened (by password or single sign-on): the cookie, until the
 * session's own expiry, on an answer no cache may keep.
 */
export function handOverSession(
  req: IncomingMessage,
  res: ServerResponse,
  session: { token: string; expiresAt: Date },
): void {
  const maxAgeSeconds = Math.floor((session.expiresAt.getTime() - Date.now()) / 1000);
  res.appendHeader('set-cookie', sessionCookie(req, session.token, maxAgeSeconds));
  res.setHeader('cache-control', 'no-store');
}
