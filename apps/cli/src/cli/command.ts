import { createTakstClient, type TakstClient } from '@takst/sdk';
import type { OptionSpec, Options } from './args';
import { type Connection, type ConnectionFlags, resolveConnection } from './config';
import type { ExitCode } from './exit-codes';
import type { Io } from './io';
import { VERSION } from './version';

export interface CommandContext {
  io: Io;
  options: Options;
  positionals: string[];
  /** --json: machine-readable stdout. */
  json: boolean;
  /** The client for the configured platform; the configuration is read on first use. */
  client(): TakstClient;
  /** Where and as whom, for the HTTP routes beside tRPC (the NDJSON export). */
  connection(): Connection;
}

export interface Command {
  /** As typed: "import", "assignments list". */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage, what it does, and its own options; the global options are added. */
  help: string;
  options: OptionSpec;
  run(context: CommandContext): Promise<ExitCode>;
}

export const USER_AGENT = `takst-cli/${VERSION}`;

/** The connection and client of a command line, each made on first use. */
export function connector(options: Options, io: Io): Pick<CommandContext, 'client' | 'connection'> {
  let connection: Connection | undefined;
  let client: TakstClient | undefined;
  const connect = () => {
    const flags: ConnectionFlags = {
      url: options.string('url'),
      apiKey: options.string('api-key'),
      profile: options.string('profile'),
    };
    connection ??= resolveConnection(flags, io.env);
    return connection;
  };
  return {
    connection: connect,
    client() {
      const { url, apiKey } = connect();
      client ??= createTakstClient({ baseUrl: url, apiKey, headers: { 'user-agent': USER_AGENT } });
      return client;
    },
  };
}

/** The positional arguments a command needs, or a usage error naming the missing one. */
export function positionalArgs(context: CommandContext, names: string[]): string[] {
  const { positionals } = context;
  if (positionals.length < names.length) context.options.fail(`Missing ${names[positionals.length]}`);
  if (positionals.length > names.length) context.options.fail(`Unexpected argument "${positionals[names.length]}"`);
  return positionals;
}
