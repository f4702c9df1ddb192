import { randomBytes } from 'node:crypto';

/**
 * The TAKST_SECRETS_KEY the benchmarks start servers with (a server on a DATABASE_URL refuses to
 * start without one): the environment's, or one made for this run. Bench databases are made
 * afresh, so a key per run reads every webhook secret the run writes.
 */
export const BENCH_SECRETS_KEY = process.env.TAKST_SECRETS_KEY || randomBytes(32).toString('base64');
