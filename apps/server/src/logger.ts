import { sqlStateOf } from '@takst/api';
import pino, { type DestinationStream } from 'pino';
import type { Config } from './config';

/** An error raised by PostgreSQL (pg's DatabaseError, or MikroORM's exception wrapping one). */
function isDatabaseError(error: Error): error is Error & Record<string, unknown> {
  return sqlStateOf(error) !== '' && ('severity' in error || 'sqlState' in error);
}

/** Only the frames of a stack: its first line repeats the message. */
const framesOf = (stack: string | undefined) =>
  stack
    ?.split('\n')
    .filter((line) => line.trim().startsWith('at '))
    .join('\n');

/**
 * Errors as log lines. A database error's message, detail and `where` hold the statement with
 * its values (names, e-mail addresses, notes) and the values it refused; the log keeps what
 * identifies the failure instead: SQLSTATE, constraint, table, column, routine and the frames.
 */
function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const cause = depth < 5 && error.cause !== undefined ? serializeError(error.cause, depth + 1) : undefined;
  if (isDatabaseError(error)) {
    const { code, constraint, table, column, dataType, routine, severity } = error;
    return {
      type: error.name,
      message: `database error ${code}`,
      sqlState: code,
      ...Object.fromEntries(
        Object.entries({ severity, constraint, table, column, dataType, routine }).filter(([, v]) => v !== undefined),
      ),
      stack: framesOf(error.stack),
      ...(cause === undefined ? {} : { cause }),
    };
  }
  return {
    type: error.name,
    message: error.message,
    stack: error.stack,
    ...((error as { code?: unknown }).code === undefined ? {} : { code: (error as { code?: unknown }).code }),
    ...(cause === undefined ? {} : { cause }),
  };
}

/**
 * Logs go to stdout synchronously. pino's default asynchronous stream flushes at exit in a loop
 * that retries a failed write every 100 ms forever, so a closed pipe (a `| tee` ended by the same
 * Ctrl-C) kept the process from exiting; written at once, a write that meets EPIPE turns logging off.
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, destination?: DestinationStream) {
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { service: 'takst-server' },
      redact: ['authorization', 'headers.authorization', 'apiKey'],
      serializers: { err: serializeError },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
