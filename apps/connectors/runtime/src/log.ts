// One JSON line per action on stdout: what the connector did, to what, and why it did nothing.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

export type LogFields = Record<string, unknown>;

export interface Log {
  debug(action: string, fields?: LogFields): void;
  info(action: string, fields?: LogFields): void;
  warn(action: string, fields?: LogFields): void;
  error(action: string, fields?: LogFields): void;
}

/** An error as loggable fields: its message, and the code, status and request id a platform or desk error has. */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const { code, httpStatus, status, requestId } = error as unknown as Record<string, unknown>;
  const shownStatus = httpStatus ?? status;
  return {
    error: error.message,
    ...(code !== undefined ? { errorCode: code } : {}),
    ...(shownStatus !== undefined && shownStatus !== null ? { httpStatus: shownStatus } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

export function createLog(options: { level: LogLevel; base?: LogFields; write?: (line: string) => void }): Log {
  const threshold = RANK[options.level];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const at =
    (level: Exclude<LogLevel, 'silent'>) =>
    (action: string, fields: LogFields = {}) => {
      if (RANK[level] < threshold) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, ...options.base, action, ...fields }));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
