import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../../../bench/src/lib/processes';

const run = promisify(execFile);
const BIN = process.env.TAKST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A PostgreSQL primary and a streaming standby of it, each in a folder of its own, on free ports. */
export interface StreamingPair {
  primaryUrl: string;
  replicaUrl: string;
  /** Stops and starts the standby's replay, so a test can make the replica fall behind at will. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  stopReplica(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * PostgreSQL refuses to run as root: as root (CI) the clusters belong to the `postgres` user and
 * every command runs as it; otherwise as the current user.
 */
async function asOwner(command: string, args: string[]): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await run('runuser', ['-u', 'postgres', '--', path.join(BIN, command), ...args]);
  else await run(path.join(BIN, command), args);
}

async function query<Row>(url: string, text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Row[];
  } finally {
    await client.end();
  }
}

export async function startStreamingPair(): Promise<StreamingPair> {
  const dir = await mkdtemp(path.join(tmpdir(), 'takst-replica-'));
  if (process.getuid?.() === 0) {
    const ids = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
    await chown(dir, await ids('-u'), await ids('-g'));
  }
  await chmod(dir, 0o700);
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryDir = path.join(dir, 'primary');
  const replicaDir = path.join(dir, 'replica');
  const options = (port: number) => `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const started: string[] = [];
  const stopCluster = (clusterDir: string) =>
    asOwner('pg_ctl', ['-D', clusterDir, '-m', 'immediate', 'stop']).catch(() => undefined);
  try {
    await asOwner('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    await writeFile(
      path.join(primaryDir, 'pg_hba.conf'),
      'local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n',
    );
    await asOwner('pg_ctl', ['-D', primaryDir, '-o', options(primaryPort), '-l', `${primaryDir}.log`, '-w', 'start']);
    started.push(primaryDir);
    await asOwner('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
    ]);
    await asOwner('pg_ctl', ['-D', replicaDir, '-o', options(replicaPort), '-l', `${replicaDir}.log`, '-w', 'start']);
    started.push(replicaDir);
  } catch (error) {
    for (const clusterDir of started.reverse()) await stopCluster(clusterDir);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  return {
    primaryUrl,
    replicaUrl,
    pauseReplay: async () => void (await query(replicaUrl, 'select pg_wal_replay_pause()')),
    resumeReplay: async () => void (await query(replicaUrl, 'select pg_wal_replay_resume()')),
    async caughtUp() {
      const [{ position }] = (await query<{ position: string }>(
        primaryUrl,
        'select pg_current_wal_lsn()::text as position',
      )) as [{ position: string }];
      for (let attempt = 0; attempt < 200; attempt++) {
        const [row] = await query<{ done: boolean }>(
          replicaUrl,
          `select pg_last_wal_replay_lsn() >= '${position}'::pg_lsn as done`,
        );
        if (row?.done) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the replica did not catch up within 10 s');
    },
    stopReplica: () => stopCluster(replicaDir),
    async stop() {
      await stopCluster(replicaDir);
      await stopCluster(primaryDir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
