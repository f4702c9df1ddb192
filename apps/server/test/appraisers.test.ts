import { createTakstClient, type RouterInputs } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { allPages, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

type CreateInput = RouterInputs['appraisers']['create'];

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

function appraiserInput(overrides: Partial<CreateInput> = {}): CreateInput {
  return {
    name: 'Ola Takstmann',
    email: 'ola@takst.example',
    phone: '+47 400 00 000',
    certifications: [{ area: 'condition', validFrom: '2024-01-01', validTo: null }],
    ...overrides,
  };
}

const withRequestId = (requestId: string) =>
  createTakstClient({ baseUrl: server.url, apiKey: server.adminKey, headers: { 'x-request-id': requestId } });

interface AuditRow {
  action: string;
  actor_name: string;
  request_id: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
}

const auditOf = (entityId: string) =>
  query<AuditRow>(
    server.databaseUrl,
    `select action, actor_name, request_id, changes from audit_log
     where entity_type = 'appraiser' and entity_id = $1 order by occurred_at, id`,
    [entityId],
  );

async function countAppraisers() {
  const rows = await query<{ count: string }>(server.databaseUrl, 'select count(*) from appraisers');
  return Number(rows[0]?.count);
}

describe('appraisers.create and get', () => {
  it('creates an active appraiser at version 1 and records who did it, from which request', async () => {
    const created = await withRequestId('appraiser-create-1').appraisers.create.mutate(appraiserInput());
    expect(created).toMatchObject({
      name: 'Ola Takstmann',
      email: 'ola@takst.example',
      phone: '+47 400 00 000',
      active: true,
      certifications: [{ area: 'condition', validFrom: '2024-01-01', validTo: null }],
      version: 1,
    });
    expect(created.updatedAt).toBe(created.createdAt);
    expect(await server.admin.appraisers.get.query({ id: created.id })).toEqual(created);

    const audit = await auditOf(created.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'created',
      actor_name: 'bootstrap-admin',
      request_id: 'appraiser-create-1',
    });
    expect(audit[0]?.changes.name).toEqual({ from: null, to: 'Ola Takstmann' });
  });

  it('needs only a name; contact details come back as null and certifications empty', async () => {
    const created = await server.admin.appraisers.create.mutate({ name: 'Kari Takst' });
    expect(created).toMatchObject({ email: null, phone: null, active: true, certifications: [] });
  });

  it('answers NOT_FOUND with APPRAISER_NOT_FOUND for an unknown id', async () => {
    const error = await caught(() => server.admin.appraisers.get.query({ id: UNKNOWN_ID }));
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'APPRAISER_NOT_FOUND' });
  });
});

describe('appraiser validation', () => {
  const cases: [string, Record<string, unknown>, (string | number)[]][] = [
    ['an empty name', { name: '  ' }, ['name']],
    ['a malformed email', { email: 'not-an-email' }, ['email']],
    ['a phone with letters', { phone: 'call me' }, ['phone']],
    [
      'an unknown certification area',
      { certifications: [{ area: 'plumbing', validFrom: '2024-01-01' }] },
      ['certifications', 0, 'area'],
    ],
    [
      'a validFrom that is not a date',
      { certifications: [{ area: 'condition', validFrom: '01.01.2024' }] },
      ['certifications', 0, 'validFrom'],
    ],
    [
      'an impossible validTo',
      { certifications: [{ area: 'condition', validFrom: '2024-01-01', validTo: '2024-02-30' }] },
      ['certifications', 0, 'validTo'],
    ],
    [
      'a validTo before validFrom',
      { certifications: [{ area: 'valuation', validFrom: '2024-06-01', validTo: '2024-05-31' }] },
      ['certifications', 0, 'validTo'],
    ],
  ];

  it.each(cases)('refuses %s with VALIDATION_FAILED and writes nothing', async (_name, override, path) => {
    const before = await countAppraisers();
    const error = await caught(() =>
      server.admin.appraisers.create.mutate({ ...appraiserInput(), ...override } as never),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    expect(error.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(await countAppraisers()).toBe(before);
  });

  it('accepts a certification valid for a single day', async () => {
    const created = await server.admin.appraisers.create.mutate(
      appraiserInput({ certifications: [{ area: 'energy', validFrom: '2025-03-01', validTo: '2025-03-01' }] }),
    );
    expect(created.certifications).toEqual([{ area: 'energy', validFrom: '2025-03-01', validTo: '2025-03-01' }]);
  });
});

describe('appraisers.update', () => {
  it('changes the patched fields, bumps the version and records a field-level diff', async () => {
    const created = await server.admin.appraisers.create.mutate(appraiserInput());
    const certifications = [
      { area: 'condition' as const, validFrom: '2024-01-01', validTo: '2025-12-31' },
      { area: 'valuation' as const, validFrom: '2025-01-01', validTo: null },
    ];
    const updated = await withRequestId('appraiser-update-1').appraisers.update.mutate({
      id: created.id,
      expectedVersion: 1,
      patch: { phone: '+47 999 99 999', email: null, certifications },
    });
    expect(updated).toMatchObject({
      version: 2,
      phone: '+47 999 99 999',
      email: null,
      name: created.name,
      certifications,
    });
    expect(updated.updatedAt >= created.updatedAt).toBe(true);
    expect(await server.admin.appraisers.get.query({ id: created.id })).toEqual(updated);

    const audit = await auditOf(created.id);
    expect(audit.map((row) => row.action)).toEqual(['created', 'updated']);
    expect(audit[1]).toMatchObject({ request_id: 'appraiser-update-1', actor_name: 'bootstrap-admin' });
    expect(audit[1]?.changes).toEqual({
      phone: { from: '+47 400 00 000', to: '+47 999 99 999' },
      email: { from: 'ola@takst.example', to: null },
      certifications: { from: created.certifications, to: certifications },
    });
  });

  it('deactivates an appraiser', async () => {
    const created = await server.admin.appraisers.create.mutate(appraiserInput());
    const updated = await server.admin.appraisers.update.mutate({
      id: created.id,
      expectedVersion: 1,
      patch: { active: false },
    });
    expect(updated).toMatchObject({ active: false, version: 2 });
  });

  it('writes nothing for a patch that changes nothing', async () => {
    const created = await server.admin.appraisers.create.mutate(appraiserInput());
    const same = await server.admin.appraisers.update.mutate({
      id: created.id,
      expectedVersion: 1,
      patch: { name: created.name, certifications: created.certifications },
    });
    expect(same).toEqual(created);
    expect((await auditOf(created.id)).map((row) => row.action)).toEqual(['created']);
  });

  it('refuses a stale expectedVersion with CONFLICT / VERSION_CONFLICT and the current version', async () => {
    const created = await server.admin.appraisers.create.mutate(appraiserInput());
    await server.admin.appraisers.update.mutate({ id: created.id, expectedVersion: 1, patch: { name: 'First' } });
    const error = await caught(() =>
      server.admin.appraisers.update.mutate({ id: created.id, expectedVersion: 1, patch: { name: 'Second' } }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'VERSION_CONFLICT', currentVersion: 2 });
    expect((await server.admin.appraisers.get.query({ id: created.id })).name).toBe('First');
  });

  it('lets exactly one of two concurrent updates at one version win', async () => {
    const created = await server.admin.appraisers.create.mutate(appraiserInput());
    const results = await Promise.allSettled(
      ['Left', 'Right'].map((name) =>
        server.admin.appraisers.update.mutate({ id: created.id, expectedVersion: 1, patch: { name } }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason.data).toMatchObject({ errorCode: 'VERSION_CONFLICT', currentVersion: 2 });
    expect((await auditOf(created.id)).map((row) => row.action)).toEqual(['created', 'updated']);
  });

  it('refuses an empty patch and an unknown id', async () => {
    const created = await server.admin.appraisers.create.mutate(appraiserInput());
    const empty = await caught(() =>
      server.admin.appraisers.update.mutate({ id: created.id, expectedVersion: 1, patch: {} }),
    );
    expect(empty.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    const unknown = await caught(() =>
      server.admin.appraisers.update.mutate({ id: UNKNOWN_ID, expectedVersion: 1, patch: { name: 'X' } }),
    );
    expect(unknown.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'APPRAISER_NOT_FOUND' });
  });
});

describe('appraisers.list', () => {
  async function listed(input: Omit<RouterInputs['appraisers']['list'], 'cursor'>) {
    const { items, pages } = await allPages((cursor) => server.admin.appraisers.list.query({ ...input, cursor }));
    return { ids: items.map((a) => a.id), pages };
  }

  it('lists newest first across pages, each appraiser once', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      created.push((await server.admin.appraisers.create.mutate({ name: `Paged ${i}` })).id);
    }
    const { ids, pages } = await listed({ limit: 2 });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(await countAppraisers());
    expect(pages).toBe(Math.ceil(ids.length / 2));
    // The five made last are the first five listed, newest first.
    expect(ids.slice(0, 5)).toEqual([...created].reverse());
  });

  it('filters by active', async () => {
    const inactive = await server.admin.appraisers.create.mutate(appraiserInput({ active: false }));
    const { ids: inactiveIds } = await listed({ active: false });
    expect(inactiveIds).toContain(inactive.id);
    const { ids: activeIds } = await listed({ active: true });
    expect(activeIds).not.toContain(inactive.id);
  });

  it('filters by a certification held on a given day (both ends inclusive)', async () => {
    const cert = (validFrom: string, validTo: string | null) => [{ area: 'damage' as const, validFrom, validTo }];
    const openEnded = await server.admin.appraisers.create.mutate(
      appraiserInput({ certifications: cert('1991-01-01', null) }),
    );
    const ended = await server.admin.appraisers.create.mutate(
      appraiserInput({ certifications: cert('1991-01-01', '1992-06-30') }),
    );
    const later = await server.admin.appraisers.create.mutate(
      appraiserInput({ certifications: cert('1992-07-01', '1993-12-31') }),
    );
    const onDay = async (on: string) => (await listed({ certifiedFor: 'damage', on })).ids;
    const mine = [openEnded.id, ended.id, later.id];
    const matching = async (on: string) => (await onDay(on)).filter((id) => mine.includes(id)).sort();

    expect(await matching('1990-12-31')).toEqual([]);
    expect(await matching('1992-06-30')).toEqual([openEnded.id, ended.id].sort());
    expect(await matching('1992-07-01')).toEqual([openEnded.id, later.id].sort());
    expect(await matching('1994-01-01')).toEqual([openEnded.id]);
    // Without `on`: today, when only the open-ended one still holds it.
    const today = (await listed({ certifiedFor: 'damage' })).ids.filter((id) => mine.includes(id));
    expect(today).toEqual([openEnded.id]);
    // Another area does not count.
    expect((await listed({ certifiedFor: 'energy', on: '1992-01-01' })).ids).not.toContain(openEnded.id);
  });

  it('refuses `on` without `certifiedFor`, and a cursor it did not issue', async () => {
    const error = await caught(() => server.admin.appraisers.list.query({ on: '2025-01-01' }));
    expect(error.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    const cursor = await caught(() => server.admin.appraisers.list.query({ cursor: 'bm90LWEtY3Vyc29y' }));
    expect(cursor.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INVALID_CURSOR' });
  });
});

describe('appraiser scopes', () => {
  it('reads with appraisers:read and refuses writes without appraisers:write', async () => {
    const reader = await server.clientWithScopes(['appraisers:read']);
    const created = await server.admin.appraisers.create.mutate(appraiserInput());
    expect((await reader.appraisers.get.query({ id: created.id })).id).toBe(created.id);
    expect((await reader.appraisers.list.query({ limit: 1 })).items).toHaveLength(1);

    const create = await caught(() => reader.appraisers.create.mutate(appraiserInput()));
    expect(create.data).toMatchObject({
      code: 'FORBIDDEN',
      errorCode: 'MISSING_SCOPE',
      requiredScope: 'appraisers:write',
    });
    const update = await caught(() =>
      reader.appraisers.update.mutate({ id: created.id, expectedVersion: 1, patch: { name: 'X' } }),
    );
    expect(update.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'appraisers:write' });
  });

  it('does not let assignment scopes read appraisers', async () => {
    const other = await server.clientWithScopes(['assignments:read', 'assignments:write']);
    const error = await caught(() => other.appraisers.list.query({}));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'appraisers:read' });
  });

  it('lets appraisers:write create and update', async () => {
    const writer = await server.clientWithScopes(['appraisers:write']);
    const created = await writer.appraisers.create.mutate(appraiserInput());
    const updated = await writer.appraisers.update.mutate({ id: created.id, expectedVersion: 1, patch: { name: 'Y' } });
    expect(updated.name).toBe('Y');
    const audit = await auditOf(created.id);
    expect(audit.map((row) => row.actor_name)).toEqual(['test appraisers:write', 'test appraisers:write']);
  });
});
