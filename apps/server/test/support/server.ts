import { generateApiKey } from '@takst/api';
import type { Scope } from '@takst/contract';
import { createTakstClient, type TakstClient } from '@takst/sdk';
import type { DestinationStream } from 'pino';
import { createLogger, loadConfig, type RunningServer, startServer } from '../../src/index';
import { createTestDatabase, TEST_POOLS, type TestDatabase } from './database';
import { TEST_SECRETS_KEY } from './secrets-key';

export interface TestServer {
  url: string;
  databaseUrl: string;
  adminKey: string;
  /** A client with every scope. */
  admin: TakstClient;
  client(apiKey: string): TakstClient;
  /** Registers a new API client with just these scopes and returns a client using its key. */
  clientWithScopes(scopes: Scope[]): Promise<TakstClient>;
  /** What the server printed once to the terminal at start-up (the first admin's link, …). */
  printed: string[];
  close(): Promise<void>;
}

/** The real server in this process, on its own new database, listening on a free port. */
export interface TestServerOptions {
  /** Share another test server's database and admin key instead of making new ones. */
  sharing?: TestServer;
  env?: Record<string, string>;
  /** Where the server's log lines go (at LOG_LEVEL, or TEST_LOG_LEVEL; silent by default). */
  logTo?: DestinationStream;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { sharing } = options;
  const database: TestDatabase = sharing
    ? { name: '', url: sharing.databaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  const adminKey = sharing?.adminKey ?? generateApiKey();
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...TEST_POOLS,
    TAKST_BOOTSTRAP_ADMIN_KEY: adminKey,
    TAKST_SECRETS_KEY: TEST_SECRETS_KEY,
    // Far above anything a test does, so only tests that ask for a limit (options.env) meet one.
    TAKST_RATE_LIMIT_PER_SECOND: '1000000',
    TAKST_RATE_LIMIT_BURST: '1000000',
    ...options.env,
  });
  let server: RunningServer;
  const printed: string[] = [];
  try {
    server = await startServer({
      config,
      logger: createLogger(config, options.logTo),
      printOnce: (message) => printed.push(message),
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const client = (apiKey: string) => createTakstClient({ baseUrl: server.url, apiKey });
  const admin = client(adminKey);
  return {
    url: server.url,
    databaseUrl: database.url,
    adminKey,
    admin,
    client,
    printed,
    async clientWithScopes(scopes) {
      const created = await admin.apiClients.create.mutate({ name: `test ${scopes.join(' ')}`, scopes });
      return client(created.apiKey);
    },
    async close() {
      await server.close();
      await database.drop();
    },
  };
}
