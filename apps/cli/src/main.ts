import { GLOBAL_HELP, parseCommandArgs, splitCommandLine } from './cli/args';
import { type Command, connector } from './cli/command';
import { EXIT, type ExitCode } from './cli/exit-codes';
import { type Io, writeLine } from './cli/io';
import { describeError, exitCodeOf } from './cli/platform-errors';
import { VERSION } from './cli/version';
import { assignmentsGet, assignmentsList, assignmentsTransition } from './commands/assignments';
import { eventsTail } from './commands/events';
import { exportCommand } from './commands/export';
import { importCommand } from './commands/import';
import { webhooksDeliveries, webhooksList, webhooksRedeliver } from './commands/webhooks';

export const COMMANDS: Command[] = [
  importCommand,
  exportCommand,
  assignmentsGet,
  assignmentsList,
  assignmentsTransition,
  eventsTail,
  webhooksList,
  webhooksDeliveries,
  webhooksRedeliver,
];

const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]));

export const EXIT_CODES_HELP = `Exit codes:
  0    done
  1    some rows or items failed, or the platform refused the operation
  2    usage: bad flags, arguments or configuration, a missing or unreadable input file, or an
       output file that cannot be written; nothing was sent
  3    authentication: no valid API key, or a scope is missing
  4    not found
  5    the platform could not be reached or failed (network, 5xx, rate limit after retries); an
       import continues with --resume
  130  interrupted (Ctrl-C); an import continues with --resume`;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `takst ${VERSION}: the Takst Platform on the command line

Usage: takst [global options] <command> [options]

Commands:
${list}

Run "takst <command> --help" for a command's options.

${GLOBAL_HELP}

Configuration: flags, else the environment (TAKST_URL, TAKST_API_KEY, TAKST_PROFILE), else the
profile file $XDG_CONFIG_HOME/takst/config.json (~/.config/takst/config.json):
  { "profiles": { "default": { "url": "https://takst.example.no", "apiKey": "tk_..." } } }

${EXIT_CODES_HELP}`;
}

function groupHelp(group: string): string {
  const commands = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return `Usage: takst ${group} <${commands.map((c) => c.name.split(' ')[1]).join('|')}> ...

${commands.map((c) => `  ${c.name.padEnd(24)}  ${c.summary}`).join('\n')}

Run "takst ${group} <command> --help" for its options.`;
}

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

const misplacedOption = (option: string) =>
  `takst: ${option} is not a global option; a command's own options go after it ("takst <command> --help")`;

/** A command line without a command: the help, the version, or a misplaced option. */
async function withoutCommand(globals: string[], rest: string[], io: Io): Promise<ExitCode> {
  const [first] = rest;
  if (first === '--version' || first === '-v') {
    await writeLine(io.stdout, VERSION);
    return EXIT.ok;
  }
  if (first !== undefined) {
    await writeLine(io.stderr, misplacedOption(first));
    return EXIT.usage;
  }
  const helpAsked = wantsHelp(globals);
  await writeLine(helpAsked ? io.stdout : io.stderr, mainHelp());
  return helpAsked ? EXIT.ok : EXIT.usage;
}

async function dispatch(argv: string[], io: Io): Promise<ExitCode> {
  const { words, globals, rest } = splitCommandLine(argv, (word) => GROUPS.has(word));
  const [first, second] = words;
  if (first === undefined) return withoutCommand(globals, rest, io);
  if (first === 'help') {
    await writeLine(io.stdout, mainHelp());
    return EXIT.ok;
  }
  const name = words.join(' ');
  const command = COMMANDS.find((c) => c.name === name);
  if (!command && GROUPS.has(first)) {
    const helpAsked = second === undefined && wantsHelp(globals);
    if (second !== undefined) await writeLine(io.stderr, `takst: unknown command "${name}"\n`);
    else if (rest[0] !== undefined) await writeLine(io.stderr, `${misplacedOption(rest[0])}\n`);
    await writeLine(helpAsked ? io.stdout : io.stderr, groupHelp(first));
    return helpAsked ? EXIT.ok : EXIT.usage;
  }
  if (!command) {
    await writeLine(io.stderr, `takst: unknown command "${first}"; run "takst --help" for the commands`);
    return EXIT.usage;
  }
  const args = [...globals, ...rest];
  if (wantsHelp(args)) {
    await writeLine(io.stdout, `${command.help}\n\n${GLOBAL_HELP}`);
    return EXIT.ok;
  }
  const { options, positionals } = parseCommandArgs(args, command.options, command.name);
  return command.run({ io, options, positionals, json: options.flag('json'), ...connector(options, io) });
}

/** Runs one command line and gives the exit code; errors end up on stderr, never thrown. */
export async function main(argv: string[], io: Io): Promise<ExitCode> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (io.interrupt.aborted) return EXIT.interrupted;
    await writeLine(io.stderr, `takst: ${describeError(error)}`);
    return exitCodeOf(error);
  }
}
