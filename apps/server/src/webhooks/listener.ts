import pg from 'pg';
import type { Logger } from 'pino';

export interface Listener {
  close(): Promise<void>;
}

const RECONNECT_DELAY_MS = 1000;

/**
 * LISTENs on the channels with a connection of its own and calls `onNotify` for every
 * notification, and once after each (re)connection, since notifications sent while the
 * connection was down are lost. A lost connection is reopened after a second.
 */
export function listen(
  databaseUrl: string,
  channels: readonly string[],
  onNotify: () => void,
  logger: Logger,
): Listener {
  let current: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'takst-webhooks-listen' });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (current === client) current = null;
      client.end().catch(() => undefined);
      if (closed) return;
      logger.warn({ err: error }, 'webhook listener lost its connection; reconnecting');
      retry = setTimeout(connect, RECONNECT_DELAY_MS);
    };
    client.on('notification', () => onNotify());
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      for (const channel of channels) await client.query(`listen ${channel}`);
      if (closed) {
        await client.end();
        return;
      }
      current = client;
      onNotify();
    } catch (error) {
      onLost(error instanceof Error ? error : new Error(String(error)));
    }
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await current?.end().catch(() => undefined);
      current = null;
    },
  };
}
