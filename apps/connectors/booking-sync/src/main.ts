// `node --import tsx src/main.ts` (npm start): runs the connector until SIGTERM/SIGINT.
// `node --import tsx src/main.ts --backfill`: fills the tool from the platform once, prints the counts, exits.

import { exitOnFailure, runUntilSignalled } from '@takst/connector-runtime';
import { ConfigError, loadConfig } from './config';
import { defaultLog, runBackfill, startBookingSync } from './service';

const USAGE = `usage: node --import tsx src/main.ts [--backfill]

  (no option)  run the connector: BOOKING_TOOL=a (Planly, webhooks) or b (Kalendra, change feed)
  --backfill   create every open inspection that has no booking in the tool, link it, print the counts, exit
               (exit code 1 when some failed; running it again creates nothing twice)

The environment is described in README.md.`;

async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.some((arg) => arg !== '--backfill')) {
    console.error(USAGE);
    process.exitCode = args.includes('--help') ? 0 : 2;
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const log = defaultLog(config);
  if (args.includes('--backfill')) {
    const counts = await runBackfill(config, { log });
    process.exitCode = counts.failed > 0 ? 1 : 0;
    return;
  }
  const service = await startBookingSync(config, { log });
  runUntilSignalled('booking-sync', service, log);
}

main(process.argv.slice(2)).catch(exitOnFailure);
