/**
 * What tRPC knows about a request. Plain data only: this type is part of the published SDK's
 * types, so this file must import nothing (no ORM, no Express, no zod).
 */
export interface RootContext {
  requestId: string;
  /** The raw Authorization header, resolved to an API client by the auth middleware. */
  authorization: string | null;
  /** The raw Idempotency-Key header; mutations check and honour it, queries ignore it. */
  idempotencyKey: string | null;
  /** The `takst_session` cookie's token; used only when no Authorization header was sent. */
  sessionToken: string | null;
  /** The raw `X-Takst-Acting-For` header: the person an API client acts for. */
  actingFor: string | null;
  /** Whether `x-takst-csrf: 1` was sent: a page on another site cannot send it without CORS's consent. */
  csrfHeader: boolean;
  /** Whether the request's Origin, when it names one, is the server's own or an allow-listed one. */
  originAllowed: boolean;
}
