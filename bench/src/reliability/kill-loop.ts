/**
 * `npm run reliability:kill-loop`: writers under load while the server is killed with SIGKILL
 * again and again; prints what was acknowledged, lost, duplicated and missing. Exits 1 unless
 * nothing acknowledged was lost, nothing was done twice and no event is missing.
 * Settings: KILL_LOOP_WRITERS (8), KILL_LOOP_KILLS (8), KILL_LOOP_KILL_AFTER_MS ("1000-3000"), and
 * KILL_LOOP_SERVER: another built server to run instead of apps/server/dist/main.js (an older build,
 * to see the loop catch what it is meant to catch); it is then not built.
 */

import path from 'node:path';
import { generateApiKey } from '@takst/api';
import { recreateDatabase, serverUrlFromEnv, withDatabase } from '../lib/database';
import { positiveInteger } from '../lib/env';
import { freePort, runBenchmark, serverToRun } from '../lib/processes';
import { formatKillLoopReport, killLoopHeld, runKillLoop } from './kill-loop-core';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DATABASE = 'takst_kill_loop';

function killAfter(raw: string | undefined): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(raw ?? '1000-3000');
  if (!match || Number(match[1]) > Number(match[2])) {
    throw new Error(`KILL_LOOP_KILL_AFTER_MS must look like 1000-3000, got "${raw}"`);
  }
  return [Number(match[1]), Number(match[2])];
}

await runBenchmark(async () => {
  const writers = positiveInteger(process.env, 'KILL_LOOP_WRITERS', 8);
  const kills = positiveInteger(process.env, 'KILL_LOOP_KILLS', 8);
  const killAfterMs = killAfter(process.env.KILL_LOOP_KILL_AFTER_MS);
  const serverUrl = serverUrlFromEnv(process.env);
  const mainJs = await serverToRun(ROOT, process.env.KILL_LOOP_SERVER);
  await recreateDatabase(serverUrl, DATABASE);
  const report = await runKillLoop({
    databaseUrl: withDatabase(serverUrl, DATABASE),
    mainJs,
    port: await freePort(),
    adminKey: generateApiKey(),
    writers,
    kills,
    killAfterMs,
    log: (line) => console.error(line),
  });
  console.log(`\nKill loop: ${writers} writers, ${kills} SIGKILLs of the server, ${killAfterMs.join('–')} ms apart\n`);
  console.log(formatKillLoopReport(report));
  if (!killLoopHeld(report)) {
    console.error('\nThe kill loop found a loss, a duplicate, a missing event or a server error.');
    process.exitCode = 1;
  }
});
