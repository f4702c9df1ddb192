import { createHash } from 'node:crypto';

/**
 * A webhook URL as the audit log and the event log show it. The URL itself may be a secret
 * (Slack- or Zapier-style paths, `?token=`), and those logs are read with `audit:read` and
 * `events:read`, while reading the URL needs `webhooks:manage`. So they keep only the scheme, host
 * and port, which say where it points, and the first 8 hex digits of the SHA-256 of the whole URL,
 * which tell one URL from another: `https://hooks.example.com/… (sha256:3f2a9c1b)`.
 */
export function redactWebhookUrl(url: string): string {
  const fingerprint = createHash('sha256').update(url).digest('hex').slice(0, 8);
  let origin = '';
  try {
    const parsed = new URL(url);
    origin = `${parsed.protocol}//${parsed.host}`;
  } catch {
    // Not a URL (stored ones always are): the fingerprint alone.
  }
  return `${origin}/… (sha256:${fingerprint})`;
}
