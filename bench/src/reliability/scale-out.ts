/**
 * `npm run reliability:scale-out`: 2 servers and 2 webhook workers on one database under a mixed
 * load, one server and one worker killed with SIGKILL mid-load; prints the checks and the counts
 * behind them (Markdown on stdout, progress on stderr). Exits 1 unless every check held.
 * Options: --seconds (90), --kill-after (half of --seconds), --writers (8), --readers (2),
 * --followers (4), --webhook-timeout-ms (2000), --delivery-timeout (300 s), --server <main.js>
 * (another build, not built then), --keep-database.
 */

import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateApiKey } from '@takst/api';
import { dropDatabase, recreateDatabase, serverUrlFromEnv, withDatabase } from '../lib/database';
import { runBenchmark, serverToRun } from '../lib/processes';
import { BENCH_SECRETS_KEY } from '../lib/secrets-key';
import { runScaleOut, SCALE_OUT_DEFAULTS } from './scale-out-core';
import { formatScaleOutReport, scaleOutChecks, scaleOutDetails } from './scale-out-report';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DATABASE = 'takst_scale_out';

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    'kill-after': { type: 'string' },
    writers: { type: 'string' },
    readers: { type: 'string' },
    followers: { type: 'string' },
    'webhook-timeout-ms': { type: 'string' },
    'delivery-timeout': { type: 'string' },
    server: { type: 'string' },
    'keep-database': { type: 'boolean', default: false },
  },
});

await runBenchmark(async () => {
  const loadSeconds = positive('seconds', values.seconds, SCALE_OUT_DEFAULTS.loadSeconds);
  const killAfterSeconds = positive('kill-after', values['kill-after'], Math.ceil(loadSeconds / 2));
  if (killAfterSeconds >= loadSeconds) throw new Error('--kill-after must come before the end of --seconds');
  const size = {
    ...SCALE_OUT_DEFAULTS,
    loadSeconds,
    killAfterSeconds,
    writers: positive('writers', values.writers, SCALE_OUT_DEFAULTS.writers),
    readers: positive('readers', values.readers, SCALE_OUT_DEFAULTS.readers),
    followers: positive('followers', values.followers, SCALE_OUT_DEFAULTS.followers),
    webhookTimeoutMs: positive('webhook-timeout-ms', values['webhook-timeout-ms'], SCALE_OUT_DEFAULTS.webhookTimeoutMs),
    deliveryTimeoutMs:
      positive('delivery-timeout', values['delivery-timeout'], SCALE_OUT_DEFAULTS.deliveryTimeoutMs / 1000) * 1000,
  };
  const mainJs = await serverToRun(ROOT, values.server);
  const serverUrl = serverUrlFromEnv(process.env);
  await recreateDatabase(serverUrl, DATABASE);
  try {
    const report = await runScaleOut({
      ...size,
      databaseUrl: withDatabase(serverUrl, DATABASE),
      mainJs,
      adminKey: generateApiKey(),
      secretsKey: BENCH_SECRETS_KEY,
      log: (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
    });
    console.log(`\nScale-out: ${new Date().toISOString().slice(0, 10)}\n`);
    console.log(formatScaleOutReport(report));
    for (const line of scaleOutDetails(report)) console.error(line);
    const failed = scaleOutChecks(report).filter((result) => !result.held);
    if (failed.length > 0) {
      console.error(`\nFailed: ${failed.map((result) => result.check).join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    if (!values['keep-database']) {
      await dropDatabase(serverUrl, DATABASE);
    }
  }
});
