// `node --import tsx src/main.ts` (npm start): runs the connector until SIGTERM/SIGINT.

import { exitOnFailure, runUntilSignalled } from '@takst/connector-runtime';
import { ConfigError, loadConfig, type SupportSyncConfig } from './config';
import { defaultLog, type StartOptions, startSupportSync } from './service';

const USAGE = `usage: node --import tsx src/main.ts

Runs support-sync: Hjelpa's tickets linked to assignments, comments and notes carried both ways.
The environment is described in README.md.`;

/** Only for the crash tests: kill the process where a crash would hurt most. */
function crashPoint(): StartOptions {
  if (process.env.SUPPORT_SYNC_CRASH_AT !== 'after-desk-comment') return {};
  return { afterDeskComment: () => process.kill(process.pid, 'SIGKILL') };
}

async function main(args: string[]): Promise<void> {
  if (args.length > 0) {
    console.error(USAGE);
    process.exitCode = args.includes('--help') ? 0 : 2;
    return;
  }
  let config: SupportSyncConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const log = defaultLog(config);
  const service = await startSupportSync(config, { log, ...crashPoint() });
  runUntilSignalled('support-sync', service, log);
}

main(process.argv.slice(2)).catch(exitOnFailure);
