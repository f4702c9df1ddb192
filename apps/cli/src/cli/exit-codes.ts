/** What `takst` exits with; documented in the README, relied on by scripts. */
export const EXIT = {
  ok: 0,
  /** Some rows or items were refused, or the platform refused the operation. */
  failed: 1,
  /** Bad flags, arguments, configuration or input file: nothing was sent. */
  usage: 2,
  /** The API key is missing, unknown, revoked, or lacks the scope. */
  auth: 3,
  notFound: 4,
  /** The platform could not be reached or failed (network, 5xx, rate limit after retries). */
  unavailable: 5,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM; an import can be continued with --resume. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with a message on stderr and a given exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** The command cannot run as given: a flag, an argument, the configuration or the input file. */
export const usageError = (message: string) => new CliError(message, EXIT.usage);
