import { withClient } from './database';

/** How the soak found PostgreSQL's autovacuum, what it did about it, and how to put it back. */
export interface AutovacuumState {
  /** For the report, e.g. "on" or "turned on for this run (the server has it off)". */
  description: string;
  restore(): Promise<void>;
}

interface Setting {
  setting: string;
  sourcefile: string | null;
}

/**
 * A soak measures the platform as it runs in production, where autovacuum is on (the default,
 * and always on in managed services); with it off the queue tables bloat and the run measures
 * that instead (docs/operations.md, "PostgreSQL settings"). So when the server has it off, the
 * soak turns it on with ALTER SYSTEM for the run and puts the setting back afterwards, unless
 * asked to measure the server as configured.
 */
export async function autovacuumForSoak(serverUrl: string, asConfigured: boolean): Promise<AutovacuumState> {
  return withClient(serverUrl, async (client) => {
    const { rows } = await client.query<Setting>(
      `select setting, sourcefile from pg_settings where name = 'autovacuum'`,
    );
    const found = rows[0];
    if (!found || found.setting === 'on') return { description: 'on', restore: async () => undefined };
    if (asConfigured) return { description: 'off, as the server is configured', restore: async () => undefined };
    const setByAlterSystem = found.sourcefile?.endsWith('postgresql.auto.conf') ?? false;
    await client.query('alter system set autovacuum = on');
    await client.query('select pg_reload_conf()');
    return {
      description: 'turned on for this run (the server has it off; put back afterwards)',
      restore: () =>
        withClient(serverUrl, async (again) => {
          await again.query(setByAlterSystem ? 'alter system set autovacuum = off' : 'alter system reset autovacuum');
          await again.query('select pg_reload_conf()');
        }),
    };
  });
}
