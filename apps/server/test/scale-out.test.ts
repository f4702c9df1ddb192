import { fileURLToPath } from 'node:url';
import { generateApiKey } from '@takst/api';
import { expect, it } from 'vitest';
import { runScaleOut, SCALE_OUT_DEFAULTS } from '../../../bench/src/reliability/scale-out-core';
import { formatScaleOutReport, scaleOutChecks } from '../../../bench/src/reliability/scale-out-report';
import { createTestDatabase } from './support/database';
import { TEST_SECRETS_KEY } from './support/secrets-key';

// The scale-out scenario (bench/src/reliability, `npm run reliability:scale-out` for the full
// one) at a small size: 2 built servers and 2 `worker` processes on one database, a mixed load
// through both, then server B and worker 2 are killed with SIGKILL mid-load. Deliveries the
// killed worker held go out again only once their lease (the webhook timeout plus 30 s), a pass
// of pg-boss's maintenance (10–20 s apart) and its retry delay (5–10 s) have passed.
const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

it('loses no acknowledged write, delivers every event, resumes followers and holds keys and limits when a server and a worker die', async () => {
  const db = await createTestDatabase();
  try {
    const report = await runScaleOut({
      ...SCALE_OUT_DEFAULTS,
      loadSeconds: 12,
      killAfterSeconds: 6,
      writers: 4,
      readers: 1,
      followers: 4,
      writesPerSecondPerWriter: 5,
      rateProbeSeconds: 2,
      rateProbeConcurrency: 6,
      revocationRounds: 4,
      webhookTimeoutMs: 1_000,
      deliveryTimeoutMs: 200_000,
      followerCatchUpMs: 30_000,
      databaseUrl: db.url,
      mainJs,
      adminKey: generateApiKey(),
      secretsKey: TEST_SECRETS_KEY,
    });
    const summary = formatScaleOutReport(report);
    const results = scaleOutChecks(report);
    expect(Object.fromEntries(results.map((result) => [result.check, result.held])), summary).toEqual(
      Object.fromEntries(results.map((result) => [result.check, true])),
    );
    // The kill happened under load, and each part of the scenario had something to show.
    expect(report.writes.acknowledgedByKilledServer, summary).toBeGreaterThan(0);
    expect(report.deliveries.expected, summary).toBeGreaterThan(report.writes.acknowledged);
    expect(report.followers.onKilledServer, summary).toBe(2);
    expect(report.replays.sent, summary).toBeGreaterThan(0);
    expect(report.reads.ok, summary).toBeGreaterThan(0);
  } finally {
    await db.drop();
  }
}, 300_000);
