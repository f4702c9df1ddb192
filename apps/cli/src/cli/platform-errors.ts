import { CliError, EXIT, type ExitCode } from './exit-codes';

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

/** A file the command was told to read or write that cannot be. */
const isFileError = (error: unknown) =>
  error instanceof Error &&
  /^E(NOENT|ACCES|ISDIR|NOTDIR|PERM|EXIST)$/.test((error as NodeJS.ErrnoException).code ?? '');

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

function causeChain(error: Error): string {
  const parts = [error.message];
  let cause = error.cause;
  while (cause instanceof Error && parts.length < 4) {
    if (!parts.includes(cause.message)) parts.push(cause.message);
    cause = cause.cause;
  }
  return parts.join(': ');
}

/** One paragraph for stderr: the message, the stable error code, the request id to quote. */
export function describeError(error: unknown): string {
  if (error instanceof CliError || isFileError(error)) return (error as Error).message;
  if (!isCallError(error)) return error instanceof Error ? (error.stack ?? error.message) : String(error);
  const data = dataOf(error);
  const message = error instanceof Error ? (data ? error.message : causeChain(error)) : String(error);
  if (!data) return `Cannot reach the platform: ${message}`;
  const tags = [data.errorCode, data.requestId ? `request id ${data.requestId}` : undefined].filter(Boolean);
  return tags.length > 0 ? `${message} (${tags.join(', ')})` : message;
}
