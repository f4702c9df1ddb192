import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { generateApiKey } from '@takst/api';
import { ASSIGNMENT_STATUSES } from '@takst/contract';
import { createTakstClient } from '@takst/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, query, type TestDatabase } from './support/database';
import { assignmentInput } from './support/fixtures';
import { requestInFlight, type ServerProcess, spawnServer } from './support/process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

function started(env: Record<string, string>, args: string[] = []): ServerProcess {
  const server = spawnServer(env, args);
  cleanups.push(() => server.stop('SIGKILL'));
  return server;
}

describe('start-up', () => {
  it('migrates an empty database before listening, then is ready', async () => {
    const db = await database();
    const server = started({ DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: generateApiKey() });
    const url = await server.listening;
    const applied = await query<{ name: string }>(db.url, 'select name from mikro_orm_migrations');
    expect(applied.map((m) => m.name)).toContain('Migration20261127000000_foundation');
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'applied' } });
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });

  it('is not ready while a migration is pending', async () => {
    const db = await database();
    const server = started({ DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: generateApiKey() });
    const url = await server.listening;
    await query(db.url, 'delete from mikro_orm_migrations');
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 'not_ready',
      checks: { pendingMigrations: expect.arrayContaining(['Migration20261127000000_foundation']) },
    });
  });

  it('is not ready when the database is gone, and says so without details', async () => {
    const db = await database();
    const server = started({ DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: generateApiKey() });
    const url = await server.listening;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await db.drop();
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not_ready', checks: { database: 'unreachable' } });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('has a command that only migrates', async () => {
    const db = await database();
    const migrate = started({ DATABASE_URL: db.url }, ['migrate']);
    expect(await migrate.exited).toBe(0);
    const tables = await query<{ tablename: string }>(
      db.url,
      "select tablename from pg_tables where schemaname = 'public'",
    );
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['assignments', 'api_clients']));
    expect(migrate.stdout()).not.toContain('listening');
  });

  it.each([
    ['PORT', 'abc'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['TAKST_BOOTSTRAP_ADMIN_KEY', 'tk_short'],
  ])('stops with a message naming %s when it is bad', async (variable, value) => {
    const server = started({ [variable]: value });
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toContain(variable);
  });
});

describe('bootstrap admin key', () => {
  it('creates an admin key on an empty database and prints it once', async () => {
    const db = await database();
    const first = started({ DATABASE_URL: db.url });
    const url = await first.listening;
    const key = /tk_[A-Za-z0-9_-]{43}/.exec(first.stderr())?.[0];
    expect(key).toBeDefined();
    expect(first.stdout()).not.toContain(key);
    const admin = createTakstClient({ baseUrl: url, apiKey: key as string });
    expect((await admin.apiClients.list.query()).items).toHaveLength(1);
    expect(await first.stop()).toBe(0);

    const second = started({ DATABASE_URL: db.url });
    const url2 = await second.listening;
    expect(second.stderr()).not.toMatch(/tk_/);
    const again = createTakstClient({ baseUrl: url2, apiKey: key as string });
    expect((await again.apiClients.list.query()).items).toHaveLength(1);
  });

  it('registers TAKST_BOOTSTRAP_ADMIN_KEY once, however often the server starts', async () => {
    const db = await database();
    const key = generateApiKey();
    for (let i = 0; i < 2; i++) {
      const server = started({ DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: key });
      const url = await server.listening;
      expect(server.stderr()).not.toMatch(/tk_/);
      const client = createTakstClient({ baseUrl: url, apiKey: key });
      const clients = await client.apiClients.list.query();
      expect(clients.items.map((c) => c.name)).toEqual(['bootstrap-admin']);
      expect(await server.stop()).toBe(0);
    }
  });
});

describe('demo data', () => {
  const NOT_ADDED =
    'Demo data was not added: the database already holds assignments, and demo data is only added to an empty one. ' +
    'For a fresh demo, point DATABASE_URL at an empty database.';

  it('fills an empty database on start with --demo, through the API, and never twice', async () => {
    const db = await database();
    const key = generateApiKey();
    const server = started({ DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: key }, ['--demo']);
    const url = await server.listening;
    const client = createTakstClient({ baseUrl: url, apiKey: key });
    const statuses = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await client.assignments.list.query({ limit: 200, cursor });
      for (const a of page.items) statuses.add(a.status);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect([...statuses].sort()).toEqual([...ASSIGNMENT_STATUSES].sort());
    const counts = await query<{ inspections: string; reports: string; notes: string; changes: string }>(
      db.url,
      `select (select count(*) from inspections) as inspections, (select count(*) from report_versions) as reports,
        (select count(*) from notes) as notes, (select count(*) from assignment_status_changes) as changes`,
    );
    for (const count of Object.values(counts[0] ?? {})) expect(Number(count)).toBeGreaterThan(10);
    // The seeding client is revoked once done.
    const seeder = await query<{ revoked_at: Date | null }>(
      db.url,
      "select revoked_at from api_clients where name = 'demo-data'",
    );
    expect(seeder[0]?.revoked_at).toBeInstanceOf(Date);
    // A person for every role, with the demo password, printed to the terminal (never logged).
    expect(server.stderr()).toContain('Demo users, each with the password takst-demo-2026');
    expect(server.stdout()).not.toContain('takst-demo-2026');
    // The demo admin is the first admin: no bootstrap admin user and link besides.
    expect(server.stderr()).not.toContain('set-password?token=');
    for (const [email, role] of [
      ['takstmann@takst.example.no', 'appraiser'],
      ['fagansvarlig@takst.example.no', 'reviewer'],
      ['kundestotte@takst.example.no', 'support'],
      ['admin@takst.example.no', 'admin'],
    ] as const) {
      const signedIn = await fetch(`${url}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
        body: JSON.stringify({ email, password: 'takst-demo-2026' }),
      });
      expect(signedIn.status, email).toBe(200);
      expect(((await signedIn.json()) as { user: { roles: string[] } }).user.roles).toEqual([role]);
    }
    // The demo appraiser has open work of their own.
    const own = await query<{ n: string }>(
      db.url,
      `select count(*) as n from assignments a join users u on u.appraiser_id = a.appraiser_id
       where u.email = 'takstmann@takst.example.no' and a.status not in ('delivered', 'invoiced', 'closed', 'cancelled')`,
    );
    expect(Number(own[0]?.n)).toBeGreaterThan(0);
    expect(await server.stop()).toBe(0);

    const before = await query<{ count: string }>(db.url, 'select count(*) from assignments');
    const again = started({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' }, ['demo']);
    expect(await again.exited).toBe(0);
    expect(again.stderr()).toContain(NOT_ADDED);
    expect(await query(db.url, 'select count(*) from assignments')).toEqual(before);

    // Serving with --demo says so too, rather than starting as if nothing had been asked.
    const serving = started({ DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: key }, ['--demo']);
    await serving.listening;
    expect(serving.stderr()).toContain(NOT_ADDED);
    expect(serving.stdout()).toContain('demo data not added');
    expect(await query(db.url, 'select count(*) from assignments')).toEqual(before);
  }, 90_000);
});

describe('graceful shutdown', () => {
  it('on SIGTERM stops accepting, finishes the request in flight, and exits 0', async () => {
    const db = await database();
    const key = generateApiKey();
    const server = started({ DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: key });
    const url = new URL(await server.listening);
    const inFlight = requestInFlight(url, key, 'sent across a shutdown');
    await sleep(200);
    server.child.kill('SIGTERM');
    await sleep(300);
    // While draining, new connections are refused.
    const refused = await fetch(`${url.origin}/healthz`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
    inFlight.finish();

    const answer = await inFlight.answer;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ result: { data: { notes: 'sent across a shutdown' } } });
    expect(await server.exited).toBe(0);
    const rows = await query<{ notes: string }>(db.url, 'select notes from assignments');
    expect(rows).toEqual([{ notes: 'sent across a shutdown' }]);
  });
});

describe('embedded PostgreSQL', () => {
  it('serves without DATABASE_URL, keeps its data across restarts, and stops it on SIGTERM', async () => {
    const dataDir = path.resolve(process.cwd(), '../../.data', `test-embedded-${process.pid}`);
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const key = generateApiKey();
    const env = { TAKST_DATA_DIR: dataDir, TAKST_BOOTSTRAP_ADMIN_KEY: key };

    const first = started(env);
    const url = await first.listening;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const client = createTakstClient({ baseUrl: url, apiKey: key });
    const created = await client.assignments.create.mutate(assignmentInput());
    expect(await first.stop()).toBe(0);

    const second = started(env);
    const url2 = await second.listening;
    const again = createTakstClient({ baseUrl: url2, apiKey: key });
    expect(await again.assignments.get.query({ id: created.id })).toEqual(created);
    expect(await second.stop()).toBe(0);
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(processes).not.toContain(dataDir);
  }, 120_000);
});
