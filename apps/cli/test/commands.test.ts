import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Assignment } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/server';
import { main } from '../src/main';
import { testIo } from './support/capture';
import { CSV_HEADER, csvRows } from './support/fake-platform';
import { tempDir } from './support/temp';

const dir = tempDir('commands');
let server: TestServer;
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  server = await startTestServer({
    env: { TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback', TAKST_WEBHOOK_POLL_INTERVAL_MS: '500' },
  });
  receiver = createServer((_request, response) => response.writeHead(204).end());
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
  await server?.close();
  receiver?.close();
});

/** Runs one command line in this process, against the test server unless `env` says otherwise. */
async function takst(args: string[], env?: Record<string, string>, io = testIo()) {
  io.env = env ?? { TAKST_URL: server.url, TAKST_API_KEY: server.adminKey };
  const code = await main(args, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

const create = (street: string): Promise<Assignment> =>
  server.admin.assignments.create.mutate({
    type: 'valuation',
    property: { address: { street, postalCode: '0155', city: 'Oslo' } },
    client: { name: 'Kari Nordmann', email: 'kari@example.no' },
    dueDate: '2026-12-24',
  });

describe('takst assignments', () => {
  it('gets one by reference or id, as fields or JSON', async () => {
    const assignment = await create('Getgata 1');
    const human = await takst(['assignments', 'get', assignment.reference]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`reference: ${assignment.reference}`);
    expect(human.stdout).toContain('property:  Getgata 1, 0155 Oslo');
    expect(human.stdout).toContain('client:    Kari Nordmann <kari@example.no>');
    const json = await takst(['assignments', 'get', assignment.id, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(assignment);
  });

  it('lists with filters as a table, or as NDJSON, one page or all', async () => {
    for (const n of [1, 2, 3]) await create(`Listegata ${n}`);
    const table = await takst(['assignments', 'list', '--q', 'Listegata']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^REFERENCE\s+STATUS\s+TYPE\s+DUE\s+CLIENT\s+PROPERTY$/);
    expect(lines.slice(1).map((line) => line.match(/Listegata \d/)?.[0])).toEqual([
      'Listegata 3',
      'Listegata 2',
      'Listegata 1',
    ]);
    const page = await takst(['assignments', 'list', '--q', 'Listegata', '--limit', '2', '--json']);
    expect(page.stdout.trim().split('\n')).toHaveLength(2);
    expect(page.stderr).toMatch(/^More: --cursor \S+ \(or --all\)/);
    const all = await takst(['assignments', 'list', '--q', 'Listegata', '--limit', '2', '--all', '--json']);
    const streets = all.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as Assignment).property.address.street);
    expect(streets).toEqual(['Listegata 3', 'Listegata 2', 'Listegata 1']);
  });

  it('transitions, reading the current version; a refusal exits 1 with the code and request id', async () => {
    const assignment = await create('Flyttgata 1');
    const moved = await takst(['assignments', 'transition', assignment.reference, 'confirmed', '--reason', 'by phone']);
    expect(moved).toMatchObject({ code: 0, stdout: `${assignment.reference}: received → confirmed (version 2)\n` });
    const refused = await takst(['assignments', 'transition', assignment.id, 'invoiced']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/INVALID_TRANSITION, request id \S+\)/);
    const stale = await takst(['assignments', 'transition', assignment.id, 'on_hold', '--expected-version', '1']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('VERSION_CONFLICT');
  });
});

describe('exit codes', () => {
  it('2 for usage, 3 for a bad key, 4 for not found, 5 when the platform cannot be reached', async () => {
    expect((await takst(['assignments', 'get'])).code).toBe(2);
    expect((await takst(['assignments', 'get', 'nonsense'])).stderr).toContain('neither an id nor a reference');
    expect((await takst(['assignments', 'list', '--status', 'lost'])).code).toBe(2);
    expect((await takst(['nonsense'])).code).toBe(2);
    expect((await takst(['assignments', 'list'], {})).stderr).toContain('No platform URL');

    const badKey = await takst(['assignments', 'list'], {
      TAKST_URL: server.url,
      TAKST_API_KEY: `tk_${'x'.repeat(43)}`,
    });
    expect(badKey.code).toBe(3);
    const reader = await server.admin.apiClients.create.mutate({ name: 'reader', scopes: ['assignments:read'] });
    const forbidden = await takst(['webhooks', 'list'], { TAKST_URL: server.url, TAKST_API_KEY: reader.apiKey });
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toContain('MISSING_SCOPE');
    expect((await takst(['assignments', 'get', '2026-999999'])).code).toBe(4);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const unreachable = await takst(['assignments', 'list'], {
      TAKST_URL: `http://127.0.0.1:${port}`,
      TAKST_API_KEY: server.adminKey,
    });
    expect(unreachable.code).toBe(5);
    expect(unreachable.stderr).toContain('Cannot reach the platform');
  });

  it('says the cause of an error once', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const unreachable = { TAKST_URL: `http://127.0.0.1:${port}`, TAKST_API_KEY: server.adminKey };
    const refused = `Cannot reach the platform: connect ECONNREFUSED 127.0.0.1:${port}`;

    const listed = await takst(['assignments', 'list'], unreachable);
    expect(listed).toMatchObject({ code: 5, stderr: `takst: ${refused}\n` });
    const exported = await takst(['export', '--quiet'], unreachable);
    expect(exported.code).toBe(5);
    const lines = exported.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(`takst: ${refused}`);
    expect(lines.slice(0, -1).every((line) => line.startsWith(`${refused}; going on from the last row in `))).toBe(
      true,
    );
  });

  it('names a file it cannot read or write in one line, exit 2', async () => {
    const missing = path.join(dir, 'missing.csv');
    expect(await takst(['import', missing])).toMatchObject({
      code: 2,
      stderr: `takst: Cannot read ${missing}: no such file or directory\n`,
    });
    const folder = path.join(dir, 'folder.csv');
    mkdirSync(folder);
    expect(await takst(['import', folder])).toMatchObject({
      code: 2,
      stderr: `takst: Cannot read ${folder}: a directory, not a file\n`,
    });
    const file = path.join(dir, 'present.csv');
    writeFileSync(file, `${CSV_HEADER}\n${csvRows(1).join('\n')}\n`);
    const mapping = path.join(dir, 'missing.json');
    expect(await takst(['import', file, '--mapping', mapping])).toMatchObject({
      code: 2,
      stderr: `takst: Cannot read the mapping file ${mapping}: no such file or directory\n`,
    });
    const output = path.join(dir, 'no', 'such', 'folder.csv');
    expect(await takst(['export', '-o', output])).toMatchObject({
      code: 2,
      stderr: `takst: Cannot write ${output}: no such file or directory\n`,
    });
  });

  it('--help on every command, exit 0', async () => {
    for (const command of [
      ['import'],
      ['export'],
      ['assignments', 'get'],
      ['assignments', 'list'],
      ['assignments', 'transition'],
      ['events', 'tail'],
      ['webhooks', 'list'],
      ['webhooks', 'deliveries'],
      ['webhooks', 'redeliver'],
    ]) {
      const help = await takst([...command, '--help'], {});
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: takst ${command.join(' ')}`);
      expect(help.stdout).toContain('--api-key');
    }
    expect((await takst(['--help'], {})).stdout).toContain('130  interrupted');
  });

  it('is the command npm links as `takst` in the repository', () => {
    const linked = fileURLToPath(new URL('../../../node_modules/.bin/takst', import.meta.url));
    const help = spawnSync(linked, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: takst [global options] <command>');
  });
});

describe('global options', () => {
  it('work before the command, between its words, and after it', async () => {
    const assignment = await create('Globalgata 1');
    const connection = ['--url', server.url, '--api-key', server.adminKey];
    const before = await takst([...connection, '--json', 'assignments', 'get', assignment.reference], {});
    expect(before.stderr).toBe('');
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({ id: assignment.id });
    const between = await takst(
      ['assignments', `--url=${server.url}`, 'get', assignment.id, '--api-key', server.adminKey],
      {},
    );
    expect(between).toMatchObject({ code: 0, stderr: '' });
    expect(between.stdout).toContain(`reference: ${assignment.reference}`);
    const after = await takst(['assignments', 'get', assignment.id, ...connection], {});
    expect(after.code).toBe(0);

    expect((await takst(['--json', '--help'], {})).stdout).toContain('Usage: takst');
    expect((await takst(['--url', server.url, 'import', '--help'], {})).stdout).toContain('Usage: takst import');
    for (const misplaced of [
      ['--status', 'received', 'assignments', 'list'],
      ['assignments', '--status', 'received', 'list'],
    ]) {
      const refused = await takst(misplaced, {});
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('takst: --status is not a global option');
    }
  });
});

describe('takst events tail', () => {
  it('replays after a sequence, then follows live events until Ctrl-C', async () => {
    const first = await create('Tailgata 1');
    const after = (await server.admin.events.list.query({ entityId: first.id })).items[0]?.sequence ?? 0;
    const io = testIo();
    const tail = takst(
      ['events', 'tail', '--after', String(after - 1), '--types', 'assignment.created', '--json'],
      undefined,
      io,
    );
    const second = await create('Tailgata 2');
    for (let i = 0; i < 100 && !io.stdout.text.includes(second.id); i++) await sleep(50);
    io.controller.abort();
    const { code, stdout } = await tail;
    expect(code).toBe(130);
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { sequence: number; entityId: string; type: string });
    expect(events.map((event) => event.entityId)).toEqual([first.id, second.id]);
    expect(events[0]?.sequence).toBe(after);
  });
});

describe('takst webhooks', () => {
  it('lists endpoints and deliveries, and redelivers one', async () => {
    const { endpoint } = await server.admin.webhooks.create.mutate({
      url: receiverUrl,
      eventTypes: ['assignment.created'],
    });
    await create('Hookgata 1');
    let deliveryId: string | undefined;
    for (let i = 0; i < 100 && !deliveryId; i++) {
      const page = await server.admin.webhooks.deliveries.query({ endpointId: endpoint.id });
      deliveryId = page.items.find((delivery) => delivery.status === 'succeeded')?.id;
      if (!deliveryId) await sleep(100);
    }
    expect(deliveryId).toBeDefined();

    const list = await takst(['webhooks', 'list']);
    expect(list.stdout).toMatch(new RegExp(`${endpoint.id}\\s+${receiverUrl}\\s+enabled\\s+assignment.created`));
    const deliveries = await takst(['webhooks', 'deliveries', endpoint.id, '--json']);
    expect(JSON.parse(deliveries.stdout.trim().split('\n')[0] ?? '')).toMatchObject({
      id: deliveryId,
      eventType: 'assignment.created',
      status: 'succeeded',
    });
    const redelivered = await takst(['webhooks', 'redeliver', deliveryId ?? '']);
    expect(redelivered.code).toBe(0);
    expect(redelivered.stdout).toContain(`delivery:     ${deliveryId}`);
    expect((await takst(['webhooks', 'deliveries', endpoint.id, '--status', 'lost'])).code).toBe(2);
  });
});
