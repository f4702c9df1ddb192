/**
 * Signing in and out: plain HTTP endpoints beside the router (docs/identity.md), so the only
 * fetch calls the console makes. Every one carries the CSRF header the platform asks for.
 */

export interface AuthFailure {
  errorCode: string;
  message: string;
  retryAfterSeconds?: number;
}

interface Problem {
  errorCode: string;
  detail: string;
  retryAfterSeconds?: number;
}

export class AuthError extends Error {
  constructor(readonly failure: AuthFailure) {
    super(failure.message);
  }
}

async function post<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as Partial<Problem> & T;
  if (!response.ok) {
    // Refusals are problem details (RFC 9457), as everywhere outside /trpc.
    throw new AuthError({
      errorCode: answer.errorCode ?? 'INTERNAL',
      message: answer.detail ?? `HTTP ${response.status}`,
      ...(answer.retryAfterSeconds !== undefined ? { retryAfterSeconds: answer.retryAfterSeconds } : {}),
    });
  }
  return answer;
}

export const signIn = (email: string, password: string) =>
  post<{ expiresAt: string }>('/auth/sign-in', { email, password });

export const signOut = () => post<{ signedOut: boolean }>('/auth/sign-out');

export const setPassword = (token: string, password: string) =>
  post<{ userId: string }>('/auth/set-password', { token, password });

export interface AuthConfig {
  password: boolean;
  sso: { name: string } | null;
}

export async function authConfig(): Promise<AuthConfig> {
  const response = await fetch('/auth/config', { credentials: 'same-origin' });
  if (!response.ok) return { password: true, sso: null };
  return (await response.json()) as AuthConfig;
}
