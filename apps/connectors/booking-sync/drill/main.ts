// `npm run drill` (from the repository root): swaps booking tool A for B in a running firm and
// checks that nothing was lost. Options: --n <assignments> (default 1000; or DRILL_N), --seed <n>,
// --concurrency <n>, --report-json <file>, --keep-logs. Exit code 1 when any check fails.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { drillWorkDir, runDrill } from './drill';
import { type DrillPlatform, startDrillPlatform } from './platform';
import { killConnectorsNow, stopConnectors } from './processes';

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0, not "${raw}"`);
  return value;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      n: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      'report-json': { type: 'string' },
      'keep-logs': { type: 'boolean' },
    },
  });
  // From the root, `npm run drill -- --n 200` reaches this script through a second npm, which
  // takes `--n` for its own option: the number then arrives alone, or as npm_config_n.
  const [positionalN] = positionals;
  const npmN = /^\d+$/.test(process.env.npm_config_n ?? '') ? process.env.npm_config_n : undefined;
  const n = positive('--n', values.n ?? positionalN ?? npmN ?? process.env.DRILL_N, 1000);
  const seed = positive('--seed', values.seed ?? process.env.DRILL_SEED, 20_261_205);
  const concurrency = positive('--concurrency', values.concurrency, 12);
  const progress = (message: string) => console.error(`[drill] ${message}`);
  const began = performance.now();
  const workDir = drillWorkDir();
  let platform: DrillPlatform | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping`);
    Promise.all([stopConnectors(), platform?.stop()]).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('exit', killConnectorsNow);

  try {
    platform = await startDrillPlatform({ progress, logFile: path.join(workDir, 'platform.log') });
    progress(`platform at ${platform.url} on database ${platform.database}; logs in ${workDir}`);
    const report = await runDrill({
      n,
      seed,
      platformUrl: platform.url,
      adminKey: platform.adminKey,
      workDir,
      concurrency,
      progress,
    });
    const took = (performance.now() - began) / 1000;
    console.log(report.format(n, took));
    if (values['report-json'])
      writeFileSync(values['report-json'], `${JSON.stringify(report.toJSON(n, seed, took), null, 2)}\n`);
    if (report.passed && !values['keep-logs']) rmSync(workDir, { recursive: true, force: true });
    else progress(`connector logs kept in ${workDir}`);
    return report.passed ? 0 : 1;
  } catch (error) {
    progress(`the drill could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    progress(`connector logs kept in ${workDir}`);
    return 1;
  } finally {
    await platform?.stop().catch((error: unknown) => progress(`stopping the platform failed: ${String(error)}`));
  }
}

process.exitCode = await main();
