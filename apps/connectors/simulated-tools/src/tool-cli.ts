// What every simulated tool gives the command line (src/main.ts): start from arguments, say where
// it listens and how to call it, stop on a signal.
import { parseArgs } from 'node:util';

export interface RunningTool {
  url: string;
  /** What to print on start: the URL and how to call it (tokens, keys). */
  describe: Record<string, unknown>;
  close(): Promise<void>;
}

export type ToolCli = (args: string[]) => Promise<RunningTool>;

export interface CommonToolArgs {
  port: number;
  host: string;
  stateFile: string | undefined;
  /** The repeatable credential option (`--token`, `--api-key`, …); empty when not given. */
  credentials: string[];
}

/** `--port`, `--host`, `--state <file>` and one repeatable credential option named `credentialOption`. */
export function parseToolArgs(args: string[], defaults: { port: number; credentialOption: string }): CommonToolArgs {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      state: { type: 'string' },
      [defaults.credentialOption]: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const port = values.port === undefined ? defaults.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0–65535, not ${values.port}`);
  const credentials = values[defaults.credentialOption];
  return {
    port,
    host: typeof values.host === 'string' ? values.host : '127.0.0.1',
    stateFile: typeof values.state === 'string' ? values.state : undefined,
    credentials: Array.isArray(credentials)
      ? credentials.filter((value): value is string => typeof value === 'string')
      : [],
  };
}
