import type { EntityManager, MikroORM } from '@takst/db';
import type { Logger } from '../lib/logger';

export interface ReadReplicaOptions {
  /** After a caller's write through this process, how long its list and export reads stay on the primary. */
  stickyMs: number;
  /** A replica further behind than this is bypassed until it catches up. */
  maxLagMs: number;
  /** How often the replica's lag is measured. */
  checkEveryMs: number;
}

export const DEFAULT_READ_REPLICA_OPTIONS: ReadReplicaOptions = {
  stickyMs: 10_000,
  maxLagMs: 5_000,
  checkEveryMs: 1_000,
};

interface WalSample {
  at: number;
  /** The primary's WAL position then, as a number of bytes. */
  position: bigint;
}

const lsnToBytes = (lsn: string): bigint => {
  const [high = '0', low = '0'] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
};

/**
 * Sends list and export reads to a read replica (`DATABASE_READ_URL`) where that cannot surprise
 * the caller:
 *
 * - a caller who wrote through this process in the last `stickyMs` reads from the primary, so it
 *   sees its own changes (read-your-writes);
 * - the replica's lag is measured every `checkEveryMs`: the primary's WAL position is sampled,
 *   and the lag is the age of the oldest sample the replica has not replayed yet. Past
 *   `maxLagMs`, or when the replica cannot be asked, every read goes to the primary.
 *
 * Everything else (get by id, writes, the event log, authentication) stays on the primary.
 */
export class ReadReplica {
  readonly #recentWriters = new Map<string, number>();
  #samples: WalSample[] = [];
  #lagMs = 0;
  #healthy = true;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly primary: MikroORM,
    readonly replica: MikroORM,
    private readonly logger: Logger,
    private readonly options: ReadReplicaOptions = DEFAULT_READ_REPLICA_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts measuring the lag; the first measurement is made before this resolves. */
  async start(): Promise<void> {
    await this.measure();
    this.#timer = setInterval(() => void this.measure(), this.options.checkEveryMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.replica.close();
  }

  /** The replica's lag at the last measurement, in milliseconds; null when it could not be asked. */
  get lagMs(): number | null {
    return this.#healthy ? this.#lagMs : null;
  }

  /** Where a list or export read of this caller goes: a fork of the replica's or the primary's EntityManager. */
  emFor(ownerId: string, primaryEm: EntityManager): EntityManager {
    const wroteAt = this.#recentWriters.get(ownerId);
    const wroteLately = wroteAt !== undefined && this.now() - wroteAt < this.options.stickyMs;
    if (wroteLately || !this.#healthy || this.#lagMs > this.options.maxLagMs) return primaryEm;
    return this.replica.em.fork();
  }

  /** Called when a caller's mutation succeeded. */
  noteWrite(ownerId: string): void {
    const now = this.now();
    this.#recentWriters.set(ownerId, now);
    if (this.#recentWriters.size > 10_000) {
      for (const [owner, at] of this.#recentWriters) {
        if (now - at >= this.options.stickyMs) this.#recentWriters.delete(owner);
      }
    }
  }

  /** One lag measurement (the timer calls it; tests may too). */
  async measure(): Promise<void> {
    try {
      const [primaryRow] = await this.primary.em
        .getConnection()
        .execute<{ position: string }[]>('select pg_current_wal_lsn()::text as position');
      const [replicaRow] = await this.replica.em
        .getConnection()
        .execute<{ position: string | null }[]>('select pg_last_wal_replay_lsn()::text as position');
      const now = this.now();
      if (primaryRow) this.#samples.push({ at: now, position: lsnToBytes(primaryRow.position) });
      // Only the oldest unreplayed sample gives the lag; a replica stuck for hours keeps a bounded list.
      if (this.#samples.length > 1_000) this.#samples.splice(1, 1);
      // Not a standby (the URL names a primary, or a copy): nothing to wait for.
      const replayed = replicaRow?.position ? lsnToBytes(replicaRow.position) : null;
      if (replayed !== null) this.#samples = this.#samples.filter((sample) => sample.position > replayed);
      else this.#samples = [];
      this.#lagMs = this.#samples.length > 0 ? now - (this.#samples[0]?.at ?? now) : 0;
      if (!this.#healthy) this.logger.warn({ lagMs: this.#lagMs }, 'read replica answers again');
      this.#healthy = true;
    } catch (error) {
      if (this.#healthy) this.logger.warn({ err: error }, 'read replica cannot be asked; reading from the primary');
      this.#healthy = false;
    }
  }
}
