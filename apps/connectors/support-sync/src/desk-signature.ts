// Hjelpa signs each webhook attempt `X-Hjelpa-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>">`. The timestamp inside the signed text is what stops an old delivery from
// being replayed: one outside the tolerance is refused even with a valid signature.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type DeskSignatureFailure =
  | 'missing_signature'
  | 'malformed_signature'
  | 'timestamp_out_of_range'
  | 'bad_signature';

export interface VerifyDeskSignatureOptions {
  /** How far the signed time may be from now, either way; 300 s by default. */
  toleranceSeconds?: number;
  /** Now, in unix seconds (tests). */
  nowSeconds?: number;
}

/** Null when `header` is a valid signature of `body` under `secret`, else why not. */
export function checkDeskSignature(
  header: string | string[] | undefined,
  body: string,
  secret: string,
  options: VerifyDeskSignatureOptions = {},
): DeskSignatureFailure | null {
  if (typeof header !== 'string' || header.trim() === '') return 'missing_signature';
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value) timestamp = value;
    else if (key === 'v1' && value) signatures.push(value);
  }
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return 'malformed_signature';
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return 'timestamp_out_of_range';
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  const matches = signatures.some((signature) => {
    if (!/^[0-9a-f]+$/i.test(signature)) return false;
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? null : 'bad_signature';
}
