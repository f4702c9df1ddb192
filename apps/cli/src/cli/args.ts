import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './exit-codes';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Accepted by every command. */
export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export const GLOBAL_HELP = `Global options (before or after the command):
  --url <url>          the platform, e.g. https://takst.example.no (env TAKST_URL)
  --api-key <key>      an API key, tk_... (env TAKST_API_KEY)
  --profile <name>     a profile of the config file (env TAKST_PROFILE; "default" when unset)
  --json               machine-readable output on stdout: JSON, or one JSON object a line for lists
  -h, --help           this help`;

type Value = string | boolean | (string | boolean)[] | undefined;

/** The flags of one command line, read with checks that end in a usage error (exit 2). */
export class Options {
  constructor(
    private readonly values: Record<string, Value>,
    private readonly command: string,
  ) {}

  fail(message: string): never {
    throw usageError(`${message}\nRun "takst ${this.command} --help" for usage.`);
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (Array.isArray(value)) return value.at(-1) as string | undefined;
    return typeof value === 'string' ? value : undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  int(name: string, min: number, max: number): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
      this.fail(`--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
    }
    return value;
  }

  /** A flag given several times or as a comma-separated list: `--status a,b --status c`. */
  list(name: string): string[] | undefined {
    const value = this.values[name];
    if (value === undefined) return undefined;
    const items = (Array.isArray(value) ? value : [value])
      .flatMap((item) => String(item).split(','))
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return items.length > 0 ? items : undefined;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value !== undefined && !allowed.includes(value as T)) {
      this.fail(`--${name} must be one of ${allowed.join(', ')}, not "${value}"`);
    }
    return value as T | undefined;
  }

  listOf<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    const values = this.list(name);
    const wrong = values?.filter((value) => !allowed.includes(value as T)) ?? [];
    if (wrong.length > 0) this.fail(`--${name} takes ${allowed.join(', ')}; not ${wrong.join(', ')}`);
    return values as T[] | undefined;
  }
}

export interface ParsedArgs {
  options: Options;
  positionals: string[];
}

export function parseCommandArgs(args: string[], options: OptionSpec, command: string): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { options: new Options(values as Record<string, Value>, command), positionals };
  } catch (error) {
    throw usageError(`${(error as Error).message}\nRun "takst ${command} --help" for usage.`);
  }
}

export interface CommandLine {
  /** The command's words: ["import"], ["assignments", "list"]; fewer when it is incomplete. */
  words: string[];
  /** Global options given before or between the command's words, as typed. */
  globals: string[];
  /** Everything after the command's words. */
  rest: string[];
}

/**
 * Finds the command in a command line whose global options may come first:
 * `takst --url U assignments --json list --all` → words [assignments, list],
 * globals [--url, U, --json], rest [--all]. util.parseArgs tells which global options take a
 * value; it stops at the first option that is not global, which only a command understands.
 */
export function splitCommandLine(argv: string[], isGroup: (word: string) => boolean): CommandLine {
  const { tokens } = parseArgs({
    args: argv,
    options: GLOBAL_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const words: string[] = [];
  const globals: string[] = [];
  let next = 0;
  for (const token of tokens) {
    const [first] = words;
    if (first !== undefined && (!isGroup(first) || words.length === 2)) break;
    // -hq: one argument, several tokens; the whole argument was taken with its first.
    if (token.index < next) continue;
    if (token.kind === 'positional') {
      words.push(token.value);
      next = token.index + 1;
    } else if (token.kind === 'option' && Object.hasOwn(GLOBAL_OPTIONS, token.name)) {
      next = token.index + (token.value !== undefined && !token.inlineValue ? 2 : 1);
      globals.push(...argv.slice(token.index, next));
    } else {
      break;
    }
  }
  return { words, globals, rest: argv.slice(next) };
}
