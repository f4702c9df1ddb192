// Starts one simulated tool by name: `node --import tsx src/main.ts booking-a --port 4101`.
// Each tool adds one line to TOOLS.
import { runPlanlyCli } from './booking-a-cli';
import { runKalendraCli } from './booking-b-cli';
import { runHjelpaCli } from './support-desk-cli';
import type { ToolCli } from './tool-cli';

const TOOLS: Record<string, ToolCli> = {
  'booking-a': runPlanlyCli,
  'booking-b': runKalendraCli,
  'support-desk': runHjelpaCli,
};

const USAGE = `usage: node --import tsx src/main.ts <tool> [--port N] [--host H] [--state file.json] [tool options]

tools: ${Object.keys(TOOLS).join(', ')}
  booking-a  Planly (booking tool A), port 4101; --token T (repeatable; default planly-dev-token)
  booking-b  Kalendra (booking tool B), port 4102; --api-key K (repeatable; default kalendra-dev-key)
  support-desk  Hjelpa (support desk), port 4103; --user name:password (repeatable; default
                integration@hjelpa.test:hjelpa-dev-password); --redelivery-rate R (0–1, default 0.1)
  --state    keep the tool's data in this JSON file across restarts (in memory only without it)`;

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const run = name ? TOOLS[name] : undefined;
  if (!run) {
    console.error(name && name !== '--help' ? `unknown tool: ${name}\n\n${USAGE}` : USAGE);
    process.exitCode = 2;
    return;
  }
  let tool: Awaited<ReturnType<ToolCli>>;
  try {
    tool = await run(args);
  } catch (error) {
    console.error(`${name}: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  console.log(JSON.stringify({ level: 'info', msg: 'simulated tool listening', ...tool.describe }));
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ level: 'info', msg: 'simulated tool stopping', tool: name, signal }));
    tool.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main(process.argv.slice(2));
