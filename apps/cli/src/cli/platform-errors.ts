import { CliError, EXIT, type ExitCode } from './exit-codes';
import { describeFileError, isFileError } from './file-errors';

/** What the platform puts in `error.data` (see the API conventions in the root README). */
interface ErrorData {
  code?: string;
  httpStatus?: number;
  errorCode?: string;
  requestId?: string | null;
  issues?: { path: (string | number)[]; message: string }[];
}

function dataOf(error: unknown): ErrorData | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const data = (error as { data?: unknown }).data;
  return typeof data === 'object' && data !== null ? (data as ErrorData) : undefined;
}

const AUTH_CODES = new Set(['UNAUTHORIZED', 'FORBIDDEN']);
const UNAVAILABLE_CODES = new Set([
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'BAD_GATEWAY',
  'GATEWAY_TIMEOUT',
  'TIMEOUT',
  'TOO_MANY_REQUESTS',
  'CLIENT_CLOSED_REQUEST',
]);

/** A call that got no platform answer (network, DNS, TLS, a proxy's HTML page) or got one. */
const isCallError = (error: unknown) =>
  error instanceof Error &&
  (/^(TRPCClientError|TakstError|HttpCallError)$/.test(error.name) || dataOf(error)?.code !== undefined);

/** The exit code for an error a command ended with. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (isFileError(error)) return EXIT.usage;
  if (!isCallError(error)) return EXIT.failed;
  const code = dataOf(error)?.code;
  if (code === undefined) return EXIT.unavailable;
  if (AUTH_CODES.has(code)) return EXIT.auth;
  if (code === 'NOT_FOUND') return EXIT.notFound;
  if (UNAVAILABLE_CODES.has(code)) return EXIT.unavailable;
  return EXIT.failed;
}

// "Not now" rather than "no". An internal error is not among them: the platform keeps a keyed
// call's refusal and would only answer the same again.
const TRANSIENT_CODES = new Set([
  'SERVICE_UNAVAILABLE',
  'BAD_GATEWAY',
  'GATEWAY_TIMEOUT',
  'TIMEOUT',
  'TOO_MANY_REQUESTS',
]);

/** Worth another try with the same idempotency key: no answer at all, or "not now". */
export function isTransient(error: unknown): boolean {
  if (!isCallError(error)) return false;
  const code = dataOf(error)?.code;
  return code === undefined || TRANSIENT_CODES.has(code);
}

/**
 * A call that got no answer because the connection failed: the SDK's `NETWORK_ERROR`, and the
 * same code on the export route's own errors.
 */
const isNetworkFailure = (error: unknown) => (error as { code?: unknown }).code === 'NETWORK_ERROR';

const MAX_CAUSES = 8;

/**
 * The messages of an error and its causes, each said once: a wrapper repeats its cause's
 * message ("Could not reach <url>: fetch failed", then "fetch failed"), so a message already
 * said is left out.
 */
function causeChain(error: Error): string {
  let text = error.message;
  let cause = error.cause;
  for (let depth = 0; cause instanceof Error && depth < MAX_CAUSES; depth++, cause = cause.cause) {
    if (cause.message && !text.includes(cause.message)) text += `: ${cause.message}`;
  }
  return text;
}

/** What went wrong at the bottom of the chain: "connect ECONNREFUSED 127.0.0.1:3000". */
function rootCause(error: Error): string {
  let deepest = error;
  let cause = error.cause;
  for (let depth = 0; cause instanceof Error && depth < MAX_CAUSES; depth++, cause = cause.cause) deepest = cause;
  return deepest.message || ((deepest as NodeJS.ErrnoException).code ?? error.message);
}

/** One paragraph for stderr: the message, the stable error code, the request id to quote. */
export function describeError(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (isFileError(error)) return describeFileError(error as NodeJS.ErrnoException);
  if (!isCallError(error)) return error instanceof Error ? (error.stack ?? error.message) : String(error);
  const call = error as Error;
  const data = dataOf(call);
  if (!data) return isNetworkFailure(call) ? `Cannot reach the platform: ${rootCause(call)}` : causeChain(call);
  const tags = [data.errorCode, data.requestId ? `request id ${data.requestId}` : undefined].filter(Boolean);
  return tags.length > 0 ? `${call.message} (${tags.join(', ')})` : call.message;
}
