/**
 * The scale-out scenario (issue 13): 2 servers and 2 separate webhook workers on one database, a
 * mixed load through both servers — keyed writes with retries, reads, SSE followers, webhook
 * receivers —, a revocation probe and a rate-limit probe while both servers are up, then one
 * server and one worker are killed with SIGKILL mid-load. Afterwards: no acknowledged write is
 * lost, every event reached every matching endpoint at least once and never twice at once, the
 * followers resumed on the other server without gap or duplicate. See docs/reliability.md.
 */
import pg from 'pg';
import { checkDeliveries, checkEventLog, checkFollowers, checkWrites, jobsRunAgain } from './scale-out-checks';
import { type Cluster, type ServerNode, startCluster, type TakstProcess } from './scale-out-cluster';
import { Follower } from './scale-out-followers';
import { Servers, sleep } from './scale-out-http';
import { Load } from './scale-out-load';
import { probeRateLimit, probeRevocation } from './scale-out-probes';
import type { WebhookReceiver } from './scale-out-receivers';
import type { ScaleOutReport } from './scale-out-report';
import { countAttempts, createActorKeys, createReceivers, lastSequence, subscribe } from './scale-out-setup';
import { settleArrivals, waitForArrivals, waitForSucceededDeliveries, withTimeout } from './scale-out-wait';

export interface ScaleOutOptions {
  /** An empty database of its own; migrated once before the processes start. */
  databaseUrl: string;
  /** The built server, `apps/server/dist/main.js`. */
  mainJs: string;
  adminKey: string;
  secretsKey: string;
  loadSeconds: number;
  /** When server B and worker 2 are killed, counted from the start of the load. */
  killAfterSeconds: number;
  writers: number;
  readers: number;
  followers: number;
  writesPerSecondPerWriter: number;
  replayShare: number;
  /** The servers' limit; every actor has a key of its own and stays under it. */
  rateLimit: { perSecond: number; burst: number };
  rateProbeSeconds: number;
  rateProbeConcurrency: number;
  revocationRounds: number;
  /** TAKST_WEBHOOK_TIMEOUT_MS: a dead worker's claims and jobs lapse this plus 30 s after they were taken. */
  webhookTimeoutMs: number;
  webhookConcurrency: number;
  webhookPollIntervalMs: number;
  /** How long after the load to wait for every delivery; pg-boss's own supervision sets the pace. */
  deliveryTimeoutMs: number;
  followerCatchUpMs: number;
  /** Told what happens, a line at a time. */
  log?: (line: string) => void;
}

export type ScaleOutSize = Omit<ScaleOutOptions, 'databaseUrl' | 'mainJs' | 'adminKey' | 'secretsKey' | 'log'>;

export const SCALE_OUT_DEFAULTS: ScaleOutSize = {
  loadSeconds: 90,
  killAfterSeconds: 45,
  writers: 8,
  readers: 2,
  followers: 4,
  writesPerSecondPerWriter: 10,
  replayShare: 0.2,
  rateLimit: { perSecond: 25, burst: 50 },
  rateProbeSeconds: 5,
  rateProbeConcurrency: 8,
  revocationRounds: 6,
  webhookTimeoutMs: 2_000,
  webhookConcurrency: 4,
  webhookPollIntervalMs: 1_000,
  deliveryTimeoutMs: 300_000,
  followerCatchUpMs: 60_000,
};

const FOLLOWER_CONNECT_TIMEOUT_MS = 30_000;

type Log = (line: string) => void;

function clusterOptions(options: ScaleOutOptions) {
  return {
    mainJs: options.mainJs,
    databaseUrl: options.databaseUrl,
    adminKey: options.adminKey,
    secretsKey: options.secretsKey,
    serverEnv: {
      TAKST_RATE_LIMIT_STORE: 'postgres',
      TAKST_RATE_LIMIT_PER_SECOND: String(options.rateLimit.perSecond),
      TAKST_RATE_LIMIT_BURST: String(options.rateLimit.burst),
      TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback',
    },
    workerEnv: {
      TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback',
      TAKST_WEBHOOK_TIMEOUT_MS: String(options.webhookTimeoutMs),
      TAKST_WEBHOOK_CONCURRENCY: String(options.webhookConcurrency),
      TAKST_WEBHOOK_POLL_INTERVAL_MS: String(options.webhookPollIntervalMs),
    },
  };
}

/** What the load phase leaves behind for the checks. */
interface LoadPhase {
  loadStarted: number;
  killedAt: number;
  loadEnded: number;
  finalSequence: number;
  revocation: Awaited<ReturnType<typeof probeRevocation>>;
  rateLimit: Awaited<ReturnType<typeof probeRateLimit>>;
}

/**
 * The load through both servers, the two probes while both are up, the SIGKILL of server B and
 * worker 2 at `killAfterSeconds` (server B then leaves the rotation, as a load balancer's health
 * check would take it out), and the end of the load.
 */
async function loadProbeAndKill(
  options: ScaleOutOptions,
  db: pg.Client,
  servers: Servers,
  [serverB, worker2]: [ServerNode, TakstProcess],
  load: Load,
  rateProbeKey: string,
  log: Log,
): Promise<LoadPhase> {
  const urls = servers.urls as [string, string];
  const loadStarted = Date.now();
  load.start();
  log(`load running: ${options.writers} writers, ${options.readers} readers, ${options.followers} followers`);

  await sleep(Math.min(2_000, (options.killAfterSeconds * 1000) / 4));
  const revocation = await probeRevocation(urls, options.adminKey, options.revocationRounds);
  log(`revocation: ${revocation.refusedAtOnce}/${revocation.rounds} refused at once`);
  const { rateLimit, rateProbeSeconds, rateProbeConcurrency } = options;
  const rate = await probeRateLimit(urls, rateProbeKey, rateLimit, rateProbeSeconds, rateProbeConcurrency);
  log(`rate limit: ${rate.accepted} accepted of an allowance of ${Math.floor(rate.allowance)}`);

  await sleep(loadStarted + options.killAfterSeconds * 1000 - Date.now());
  const killedAt = Date.now();
  await Promise.all([serverB.process.kill('SIGKILL'), worker2.kill('SIGKILL')]);
  servers.markDown(serverB.url);
  log(`SIGKILL: ${serverB.name} (pid ${serverB.process.pid}) and ${worker2.name} (pid ${worker2.pid})`);

  await sleep(loadStarted + options.loadSeconds * 1000 - Date.now());
  await load.stop();
  const loadEnded = Date.now();
  const finalSequence = await lastSequence(db);
  log(`load stopped: ${load.figures.writes.length} writes; last event ${finalSequence}`);
  return { loadStarted, killedAt, loadEnded, finalSequence, revocation, rateLimit: rate };
}

export async function runScaleOut(options: ScaleOutOptions): Promise<ScaleOutReport> {
  const log = options.log ?? (() => {});
  const began = Date.now();
  const receivers: WebhookReceiver[] = createReceivers();
  const db = new pg.Client({ connectionString: options.databaseUrl });
  const followers: Follower[] = [];
  let cluster: Cluster | undefined;
  let load: Load | undefined;
  try {
    await Promise.all(receivers.map((receiver) => receiver.start()));
    await db.connect();
    log('migrating, then starting 2 servers and 2 workers');
    cluster = await startCluster(clusterOptions(options));
    const [serverA, serverB] = cluster.servers as [ServerNode, ServerNode];
    const [, worker2] = cluster.workers as [TakstProcess, TakstProcess];
    const servers = new Servers([serverA.url, serverB.url]);
    const attemptsLogged = countAttempts(cluster.workers);
    const subscriptions = await subscribe(servers.urls, options.adminKey, receivers);
    const keys = await createActorKeys(servers.urls, options.adminKey, options);

    const startSequence = await lastSequence(db);
    for (const [i, key] of keys.followers.entries()) {
      const firstServer = servers.urls[i % 2] as string;
      followers.push(new Follower(`follower ${i + 1}`, key, servers, firstServer, startSequence));
    }
    await withTimeout(
      Promise.all(followers.map((follower) => follower.start())),
      FOLLOWER_CONNECT_TIMEOUT_MS,
      'the SSE followers did not connect',
    );
    load = new Load({
      servers,
      writerKeys: keys.writers,
      readerKeys: keys.readers,
      writesPerSecondPerWriter: options.writesPerSecondPerWriter,
      replayShare: options.replayShare,
    });
    const phase = await loadProbeAndKill(options, db, servers, [serverB, worker2], load, keys.rateProbe, log);
    const { killedAt, finalSequence } = phase;

    await Promise.all(followers.map((follower) => follower.reached(finalSequence, options.followerCatchUpMs)));
    await Promise.all(followers.map((follower) => follower.stop()));
    const deadline = phase.loadEnded + options.deliveryTimeoutMs;
    const arrived = await waitForArrivals(db, subscriptions, finalSequence, deadline, log);
    const afterKill = (at: number | null) => (at === null ? null : at - killedAt);
    log(`every delivery arrived: ${afterKill(arrived.at) ?? 'not'} ms after the kill`);
    const succeededAt = await waitForSucceededDeliveries(db, subscriptions, arrived.expected, deadline, log);
    log(`every delivery recorded as succeeded: ${afterKill(succeededAt) ?? 'not'} ms after the kill`);
    await settleArrivals(receivers);

    return {
      setting: {
        loadSeconds: options.loadSeconds,
        writers: options.writers,
        readers: options.readers,
        followers: options.followers,
        webhookTimeoutMs: options.webhookTimeoutMs,
        webhookConcurrency: options.webhookConcurrency,
      },
      durationMs: Date.now() - began,
      killedAtMs: killedAt - phase.loadStarted,
      killed: [serverB.name, worker2.name],
      writes: await checkWrites(db, load.figures, serverB.url),
      answers: load.figures.answers,
      replays: load.figures.replays,
      reads: { ok: load.figures.reads.ok, missing: load.figures.reads.missing.length, other: load.figures.reads.other },
      eventLog: await checkEventLog(db),
      deliveries: {
        ...(await checkDeliveries(db, subscriptions, finalSequence)),
        allArrivedAfterKillMs: afterKill(arrived.at),
        allSucceededAfterKillMs: afterKill(succeededAt),
        jobsRunAgain: await jobsRunAgain(db),
        attemptsLogged,
      },
      followers: await checkFollowers(
        db,
        followers.map((follower) => follower.figures),
        startSequence,
        finalSequence,
        serverB.url,
        (url) => (url === serverA.url ? 'A' : 'B'),
      ),
      revocation: phase.revocation,
      rateLimit: phase.rateLimit,
      processErrors: cluster.all().map((child) => ({
        name: child.name,
        count: child.errorLineCount,
        lines: child.errorLines.slice(0, 10),
      })),
    };
  } finally {
    await load?.stop();
    await Promise.all(followers.map((follower) => follower.stop()));
    await cluster?.stop();
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await db.end().catch(() => undefined);
  }
}
