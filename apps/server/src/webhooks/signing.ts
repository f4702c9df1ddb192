import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the secret's key (Standard
 * Webhooks). The secret must be the opened one: a sealed value (`v1:…`) read as base64 would
 * sign with garbage that no receiver can check, so it is refused.
 */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('Webhooks are signed with an opened whsec_ secret');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** One signature per secret, space-separated: receivers accept the message if any one verifies. */
export const signatureHeader = (secrets: readonly string[], id: string, timestamp: number, body: string) =>
  secrets.map((secret) => sign(secret, id, timestamp, body)).join(' ');
