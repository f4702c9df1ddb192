import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DomainError, setPasswordWithToken, verifyPassword } from '@takst/api';
import { ERROR_CODES, ROLE_SCOPES, ROLES, SCOPES } from '@takst/contract';
import { createOrmConfig, MikroORM } from '@takst/db';
import { type RouterInputs, withIdempotencyKey } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { allPages, caught } from './support/fixtures';
import { repoRoot } from './support/global-setup';
import { insertAppraiser } from './support/rows';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let orm: MikroORM;
beforeAll(async () => {
  server = await startTestServer();
  // setPasswordWithToken is called by the server's sign-in routes (next step); here directly.
  orm = await MikroORM.init(createOrmConfig({ databaseUrl: server.databaseUrl, poolMax: 2 }));
});
afterAll(async () => {
  await orm?.close();
  await server?.close();
});

type CreateInput = RouterInputs['users']['create'];

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
let serial = 0;
const uniqueEmail = (name = 'person') => `${name}.${++serial}@takst.example`;

const createUser = (overrides: Partial<CreateInput> = {}) =>
  server.admin.users.create.mutate({ email: uniqueEmail(), name: 'Kari Nordmann', roles: ['support'], ...overrides });

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function openSession(userId: string): Promise<void> {
  await query(
    server.databaseUrl,
    `insert into sessions (id, user_id, token_hash, method, created_at, last_seen_at, expires_at)
     values (gen_random_uuid(), $1, $2, 'password', now(), now(), now() + interval '1 day')`,
    [userId, sha256(String(Math.random()))],
  );
}

const sessionsOf = (userId: string) =>
  query<{ ended_at: Date | null; ended_reason: string | null }>(
    server.databaseUrl,
    'select ended_at, ended_reason from sessions where user_id = $1',
    [userId],
  );

const auditOf = (userId: string) =>
  query<{ action: string; changes: Record<string, { from: unknown; to: unknown }> }>(
    server.databaseUrl,
    `select action, changes from audit_log where entity_type = 'user' and entity_id = $1 order by occurred_at, id`,
    [userId],
  );

async function setPassword(token: string, password: string) {
  try {
    return await setPasswordWithToken(orm.em.fork(), token, password);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

describe('users.create and get', () => {
  it('creates an active user without a password, with a one-time link to set one', async () => {
    const email = uniqueEmail('ola');
    const before = Date.now();
    const invited = await server.admin.users.create.mutate({
      email,
      name: 'Ola Nordmann',
      roles: ['support', 'admin'],
    });
    expect(invited.user).toMatchObject({
      email,
      name: 'Ola Nordmann',
      active: true,
      roles: ['support', 'admin'],
      appraiserId: null,
      hasPassword: false,
      version: 1,
      deactivatedAt: null,
    });
    expect(invited.setPasswordToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresIn = Date.parse(invited.setPasswordExpiresAt) - before;
    expect(expiresIn).toBeGreaterThan(72 * 3600_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(72 * 3600_000 + 1_000);
    expect(await server.admin.users.get.query({ id: invited.user.id })).toEqual(invited.user);
  });

  it('keeps roles in one order, whatever order they are given in', async () => {
    const { user } = await createUser({ roles: ['admin', 'support', 'reviewer'] });
    expect(user.roles).toEqual(['reviewer', 'support', 'admin']);
  });

  it('refuses no roles, an unknown role and a role twice', async () => {
    for (const roles of [[], ['boss'], ['support', 'support']]) {
      const error = await caught(() => createUser({ roles: roles as never }));
      expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    }
  });

  it('answers USER_NOT_FOUND for an unknown id', async () => {
    const error = await caught(() => server.admin.users.get.query({ id: UNKNOWN_ID }));
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'USER_NOT_FOUND' });
  });
});

describe('emails are unique without regard to case', () => {
  it('refuses a second user with the same email in other letters', async () => {
    const email = uniqueEmail('Kari.Case');
    const first = await createUser({ email });
    const error = await caught(() => createUser({ email: email.toUpperCase() }));
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'EMAIL_TAKEN', existingUserId: first.user.id });
  });

  it('refuses an update to another user’s email, and lets a user change the case of their own', async () => {
    const taken = await createUser();
    const { user } = await createUser();
    const error = await caught(() =>
      server.admin.users.update.mutate({
        id: user.id,
        expectedVersion: 1,
        patch: { email: taken.user.email.toUpperCase() },
      }),
    );
    expect(error.data).toMatchObject({ errorCode: 'EMAIL_TAKEN', existingUserId: taken.user.id });
    const recased = await server.admin.users.update.mutate({
      id: user.id,
      expectedVersion: 1,
      patch: { email: user.email.toUpperCase() },
    });
    expect(recased).toMatchObject({ email: user.email.toUpperCase(), version: 2 });
  });

  it('lets one of many concurrent creates with one email win; the others get EMAIL_TAKEN', async () => {
    const email = uniqueEmail('race');
    const variants = [email, email.toUpperCase(), email, `${email[0]?.toUpperCase()}${email.slice(1)}`, email];
    const results = await Promise.allSettled(variants.map((variant) => createUser({ email: variant })));
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect((result.reason as { data: unknown }).data).toMatchObject({ code: 'CONFLICT', errorCode: 'EMAIL_TAKEN' });
      }
    }
    const rows = await query(server.databaseUrl, 'select id from users where lower(email) = lower($1)', [email]);
    expect(rows).toHaveLength(1);
  });
});

describe('the link to an appraiser record', () => {
  it('links an appraiser-role user to an appraiser', async () => {
    const appraiserId = await insertAppraiser(server.databaseUrl);
    const { user } = await createUser({ roles: ['appraiser'], appraiserId });
    expect(user).toMatchObject({ roles: ['appraiser'], appraiserId });
  });

  it('refuses the appraiser role without a link, on create and on update', async () => {
    const error = await caught(() => createUser({ roles: ['appraiser', 'reviewer'] }));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    expect(error.data.issues).toEqual([expect.objectContaining({ path: ['appraiserId'] })]);

    const appraiserId = await insertAppraiser(server.databaseUrl);
    const { user } = await createUser({ roles: ['appraiser'], appraiserId });
    const unlinked = await caught(() =>
      server.admin.users.update.mutate({ id: user.id, expectedVersion: 1, patch: { appraiserId: null } }),
    );
    expect(unlinked.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    expect(unlinked.data.issues).toEqual([expect.objectContaining({ path: ['patch', 'appraiserId'] })]);
    const { user: reviewer } = await createUser({ roles: ['reviewer'] });
    const promoted = await caught(() =>
      server.admin.users.update.mutate({ id: reviewer.id, expectedVersion: 1, patch: { roles: ['appraiser'] } }),
    );
    expect(promoted.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
  });

  it('allows a link without the role: the record of someone who now only reviews', async () => {
    const appraiserId = await insertAppraiser(server.databaseUrl);
    const { user } = await createUser({ roles: ['appraiser'], appraiserId });
    const reviewer = await server.admin.users.update.mutate({
      id: user.id,
      expectedVersion: 1,
      patch: { roles: ['reviewer'] },
    });
    expect(reviewer).toMatchObject({ roles: ['reviewer'], appraiserId, version: 2 });
  });

  it('refuses an unknown appraiser', async () => {
    const error = await caught(() => createUser({ roles: ['appraiser'], appraiserId: UNKNOWN_ID }));
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'APPRAISER_NOT_FOUND' });
  });

  it('refuses an appraiser linked to another user, on create, on update and in a race', async () => {
    const appraiserId = await insertAppraiser(server.databaseUrl);
    const first = await createUser({ roles: ['appraiser'], appraiserId });
    const error = await caught(() => createUser({ roles: ['appraiser'], appraiserId }));
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      errorCode: 'APPRAISER_ALREADY_LINKED',
      existingUserId: first.user.id,
    });
    const { user } = await createUser();
    const update = await caught(() =>
      server.admin.users.update.mutate({ id: user.id, expectedVersion: 1, patch: { appraiserId } }),
    );
    expect(update.data).toMatchObject({ errorCode: 'APPRAISER_ALREADY_LINKED' });

    const contested = await insertAppraiser(server.databaseUrl);
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => createUser({ roles: ['appraiser'], appraiserId: contested })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect((result.reason as { data: unknown }).data).toMatchObject({ errorCode: 'APPRAISER_ALREADY_LINKED' });
      }
    }
  });
});

describe('users.update', () => {
  it('changes fields at the version read, and records what changed', async () => {
    const { user } = await createUser({ roles: ['support'] });
    const updated = await server.admin.users.update.mutate({
      id: user.id,
      expectedVersion: 1,
      patch: { name: 'Kari Fagansvarlig', roles: ['reviewer', 'support'] },
    });
    expect(updated).toMatchObject({ name: 'Kari Fagansvarlig', roles: ['reviewer', 'support'], version: 2 });
    const audit = await auditOf(user.id);
    expect(audit.map((entry) => entry.action)).toEqual(['created', 'updated']);
    expect(audit[1]?.changes).toEqual({
      name: { from: 'Kari Nordmann', to: 'Kari Fagansvarlig' },
      roles: { from: ['support'], to: ['reviewer', 'support'] },
    });
  });

  it('writes nothing for a patch that changes nothing', async () => {
    const { user } = await createUser({ roles: ['support', 'reviewer'] });
    const same = await server.admin.users.update.mutate({
      id: user.id,
      expectedVersion: 1,
      patch: { name: user.name, roles: ['support', 'reviewer'] },
    });
    expect(same).toEqual(user);
    expect(await auditOf(user.id)).toHaveLength(1);
  });

  it('refuses a stale version with VERSION_CONFLICT and the current version, writing nothing', async () => {
    const { user } = await createUser();
    await server.admin.users.update.mutate({ id: user.id, expectedVersion: 1, patch: { name: 'Second' } });
    const error = await caught(() =>
      server.admin.users.update.mutate({ id: user.id, expectedVersion: 1, patch: { name: 'Third' } }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'VERSION_CONFLICT', currentVersion: 2 });
    expect((await server.admin.users.get.query({ id: user.id })).name).toBe('Second');
  });

  it('lets only one of two concurrent updates at one version win', async () => {
    const { user } = await createUser();
    const results = await Promise.allSettled(
      ['A', 'B'].map((name) => server.admin.users.update.mutate({ id: user.id, expectedVersion: 1, patch: { name } })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((result) => result.status === 'rejected');
    expect((lost as PromiseRejectedResult).reason.data).toMatchObject({ errorCode: 'VERSION_CONFLICT' });
  });

  it('answers USER_NOT_FOUND for an unknown id', async () => {
    const error = await caught(() =>
      server.admin.users.update.mutate({ id: UNKNOWN_ID, expectedVersion: 1, patch: { name: 'x' } }),
    );
    expect(error.data).toMatchObject({ errorCode: 'USER_NOT_FOUND' });
  });
});

describe('users.list', () => {
  it('pages newest first and filters by active and by role', async () => {
    const made = [];
    for (const roles of [['reviewer'], ['support'], ['reviewer', 'admin']] as const) {
      made.push((await createUser({ roles: [...roles] })).user);
    }
    const [olderReviewer, , newerReviewer] = made;
    if (!olderReviewer || !newerReviewer) throw new Error('made three users');
    await server.admin.users.deactivate.mutate({ id: olderReviewer.id });

    const all = await allPages((cursor) => server.admin.users.list.query({ limit: 2, cursor }));
    expect(all.pageSizes.slice(0, -1).every((size) => size === 2)).toBe(true);
    const ids = all.items.map((user) => user.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 3)).toEqual(made.map((user) => user.id).reverse());

    const reviewers = (await server.admin.users.list.query({ role: 'reviewer', limit: 200 })).items;
    expect(reviewers.every((user) => user.roles.includes('reviewer'))).toBe(true);
    expect(reviewers.map((user) => user.id)).toEqual(expect.arrayContaining([olderReviewer.id, newerReviewer.id]));

    const activeReviewers = (await server.admin.users.list.query({ role: 'reviewer', active: true, limit: 200 })).items;
    expect(activeReviewers.map((user) => user.id)).toContain(newerReviewer.id);
    expect(activeReviewers.map((user) => user.id)).not.toContain(olderReviewer.id);
    const inactive = (await server.admin.users.list.query({ active: false, limit: 200 })).items;
    expect(inactive.every((user) => !user.active)).toBe(true);
  });

  it('refuses a cursor it did not issue', async () => {
    const error = await caught(() => server.admin.users.list.query({ cursor: 'bm9wZQ' }));
    expect(error.data).toMatchObject({ errorCode: 'INVALID_CURSOR' });
  });
});

describe('users.deactivate and users.endSessions', () => {
  it('deactivates, ends every open session at once, and changes nothing the second time', async () => {
    const { user } = await createUser();
    await openSession(user.id);
    await openSession(user.id);
    const deactivated = await server.admin.users.deactivate.mutate({ id: user.id });
    expect(deactivated).toMatchObject({ active: false, version: 2 });
    expect(deactivated.deactivatedAt).not.toBeNull();
    const sessions = await sessionsOf(user.id);
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => s.ended_at !== null && s.ended_reason === 'user_deactivated')).toBe(true);

    const again = await server.admin.users.deactivate.mutate({ id: user.id });
    expect(again).toEqual(deactivated);
    expect((await auditOf(user.id)).map((entry) => entry.action)).toEqual(['created', 'deactivated']);
  });

  it('ends a user’s open sessions and says how many; none ended records nothing', async () => {
    const { user } = await createUser();
    await openSession(user.id);
    await openSession(user.id);
    await openSession(user.id);
    expect(await server.admin.users.endSessions.mutate({ id: user.id })).toEqual({ ended: 3 });
    expect((await sessionsOf(user.id)).every((s) => s.ended_reason === 'ended_by_admin')).toBe(true);
    expect(await server.admin.users.endSessions.mutate({ id: user.id })).toEqual({ ended: 0 });
    const audit = await auditOf(user.id);
    expect(audit.map((entry) => entry.action)).toEqual(['created', 'sessions_ended']);
    expect(audit[1]?.changes).toEqual({ openSessions: { from: 3, to: 0 } });
  });

  it('answers USER_NOT_FOUND for unknown users', async () => {
    for (const call of [
      () => server.admin.users.deactivate.mutate({ id: UNKNOWN_ID }),
      () => server.admin.users.endSessions.mutate({ id: UNKNOWN_ID }),
      () => server.admin.users.sendSetPasswordLink.mutate({ id: UNKNOWN_ID }),
    ]) {
      expect((await caught(call)).data).toMatchObject({ errorCode: 'USER_NOT_FOUND' });
    }
  });
});

describe('events', () => {
  it('publishes user.created, user.updated, user.deactivated, user.sessions_ended and user.set_password_link_issued', async () => {
    const { user } = await createUser();
    await server.admin.users.update.mutate({ id: user.id, expectedVersion: 1, patch: { name: 'Renamed' } });
    await server.admin.users.sendSetPasswordLink.mutate({ id: user.id });
    await openSession(user.id);
    await server.admin.users.endSessions.mutate({ id: user.id });
    await server.admin.users.deactivate.mutate({ id: user.id });
    const events = await query<{ type: string; data: { id: string; name: string; active: boolean } }>(
      server.databaseUrl,
      `select type, data from events where entity_type = 'user' and entity_id = $1 order by sequence`,
      [user.id],
    );
    expect(events.map((event) => event.type)).toEqual([
      'user.created',
      'user.updated',
      'user.set_password_link_issued',
      'user.sessions_ended',
      'user.deactivated',
    ]);
    expect(events[1]?.data).toMatchObject({ id: user.id, name: 'Renamed' });
    expect(events.at(-1)?.data).toMatchObject({ active: false });
  });
});

describe('scopes', () => {
  it('lets only admin keys manage users', async () => {
    const everythingButAdmin = await server.clientWithScopes(SCOPES.filter((scope) => scope !== 'admin'));
    const { user } = await createUser();
    const calls = [
      () => everythingButAdmin.users.create.mutate({ email: uniqueEmail(), name: 'x', roles: ['support'] }),
      () => everythingButAdmin.users.get.query({ id: user.id }),
      () => everythingButAdmin.users.list.query({}),
      () => everythingButAdmin.users.update.mutate({ id: user.id, expectedVersion: 1, patch: { name: 'x' } }),
      () => everythingButAdmin.users.deactivate.mutate({ id: user.id }),
      () => everythingButAdmin.users.endSessions.mutate({ id: user.id }),
      () => everythingButAdmin.users.sendSetPasswordLink.mutate({ id: user.id }),
    ];
    for (const call of calls) {
      expect((await caught(call)).data).toMatchObject({
        code: 'FORBIDDEN',
        errorCode: 'MISSING_SCOPE',
        requiredScope: 'admin',
      });
    }
    expect(await server.admin.users.get.query({ id: user.id })).toEqual(user);
  });
});

describe('me.get', () => {
  it('tells any working key who it is, whatever its scopes', async () => {
    const scraper = await server.clientWithScopes(['metrics:read']);
    const me = await scraper.me.get.query();
    expect(me).toMatchObject({ user: null, scopes: ['metrics:read'], via: 'api_key' });
    expect(me.apiClient?.name).toBe('test metrics:read');
    const clients = await server.admin.apiClients.list.query();
    expect(clients.items.find((client) => client.id === me.apiClient?.id)?.name).toBe('test metrics:read');
  });

  it('shows an admin key every scope it holds', async () => {
    const me = await server.admin.me.get.query();
    expect(me).toMatchObject({ user: null, apiClient: { name: 'bootstrap-admin' }, via: 'api_key' });
    expect(me.scopes).toEqual([...SCOPES]);
  });

  it('still needs a working key', async () => {
    const error = await caught(() => server.client(`tk_${'A'.repeat(43)}`).me.get.query());
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', errorCode: 'UNAUTHENTICATED' });
  });
});

describe('set-password links', () => {
  it('set an argon2id hash once, mark the link used and end the person’s sessions', async () => {
    const invited = await createUser();
    await openSession(invited.user.id);
    expect(await setPassword(invited.setPasswordToken, 'a long enough passphrase')).toEqual({
      userId: invited.user.id,
    });
    const [row] = await query<{ password_hash: string }>(
      server.databaseUrl,
      'select password_hash from users where id = $1',
      [invited.user.id],
    );
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(row?.password_hash ?? null, 'a long enough passphrase')).toBe(true);
    expect(await verifyPassword(row?.password_hash ?? null, 'a long enough passphrasE')).toBe(false);
    expect(await verifyPassword(null, 'a long enough passphrase')).toBe(false);
    expect(await sessionsOf(invited.user.id)).toEqual([expect.objectContaining({ ended_reason: 'password_set' })]);
    expect(await server.admin.users.get.query({ id: invited.user.id })).toMatchObject({
      hasPassword: true,
      version: 2,
    });

    const again = await setPassword(invited.setPasswordToken, 'another long passphrase');
    expect(again).toMatchObject({ errorCode: 'SET_PASSWORD_LINK_INVALID', code: 'BAD_REQUEST' });
  });

  it('match a password composed differently (NFC and NFD) to one hash', async () => {
    const invited = await createUser();
    await setPassword(invited.setPasswordToken, 'blåbærsyltetøy i kjelleren'.normalize('NFD'));
    const [row] = await query<{ password_hash: string }>(
      server.databaseUrl,
      'select password_hash from users where id = $1',
      [invited.user.id],
    );
    expect(await verifyPassword(row?.password_hash ?? null, 'blåbærsyltetøy i kjelleren'.normalize('NFC'))).toBe(true);
  });

  it('work once even when used twice at the same moment', async () => {
    const invited = await createUser();
    const results = await Promise.all([
      setPassword(invited.setPasswordToken, 'first long passphrase'),
      setPassword(invited.setPasswordToken, 'second long passphrase'),
    ]);
    expect(results.filter((result) => result instanceof DomainError)).toHaveLength(1);
  });

  it('expire', async () => {
    const invited = await createUser();
    await query(
      server.databaseUrl,
      `update user_tokens set expires_at = now() - interval '1 second' where user_id = $1`,
      [invited.user.id],
    );
    expect(await setPassword(invited.setPasswordToken, 'a long enough passphrase')).toMatchObject({
      errorCode: 'SET_PASSWORD_LINK_INVALID',
    });
  });

  it('refuse tokens never issued, and say nothing more about why', async () => {
    for (const token of ['', 'short', `${'A'.repeat(43)}`]) {
      expect(await setPassword(token, 'a long enough passphrase')).toMatchObject({
        errorCode: 'SET_PASSWORD_LINK_INVALID',
      });
    }
  });

  it('stop working when a new link is sent, or the person is deactivated', async () => {
    const invited = await createUser();
    const resent = await server.admin.users.sendSetPasswordLink.mutate({ id: invited.user.id });
    expect(resent.user).toEqual(invited.user);
    expect(resent.setPasswordToken).not.toBe(invited.setPasswordToken);
    expect(await setPassword(invited.setPasswordToken, 'a long enough passphrase')).toMatchObject({
      errorCode: 'SET_PASSWORD_LINK_INVALID',
    });

    await server.admin.users.deactivate.mutate({ id: invited.user.id });
    expect(await setPassword(resent.setPasswordToken, 'a long enough passphrase')).toMatchObject({
      errorCode: 'SET_PASSWORD_LINK_INVALID',
    });
    const error = await caught(() => server.admin.users.sendSetPasswordLink.mutate({ id: invited.user.id }));
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'USER_INACTIVE' });
  });

  it('refuse a weak password with PASSWORD_TOO_WEAK and stay usable', async () => {
    const email = uniqueEmail('weak.password');
    const invited = await createUser({ email, name: 'Weak Passwordson' });
    for (const weak of [
      'abcdefghi',
      `${'ab'.repeat(100)}c`,
      email.toUpperCase(),
      email.split('@')[0],
      'aaaaaaaaaaaa',
    ]) {
      expect(await setPassword(invited.setPasswordToken, weak ?? '')).toMatchObject({
        errorCode: 'PASSWORD_TOO_WEAK',
        code: 'BAD_REQUEST',
      });
    }
    expect(await setPassword(invited.setPasswordToken, 'ab'.repeat(100))).toEqual({ userId: invited.user.id });
  });
});

describe('secrets', () => {
  it('keep only hashes: no token or password hash in the answers, the audit log, the events or elsewhere', async () => {
    const invited = await createUser();
    const resent = await server.admin.users.sendSetPasswordLink.mutate({ id: invited.user.id });
    await setPassword(resent.setPasswordToken, 'a long enough passphrase');
    await server.admin.users.update.mutate({ id: invited.user.id, expectedVersion: 2, patch: { name: 'After' } });

    const tokens = await query<{ token_hash: string; used_at: Date | null }>(
      server.databaseUrl,
      'select token_hash, used_at from user_tokens where user_id = $1',
      [invited.user.id],
    );
    expect(tokens).toEqual([{ token_hash: sha256(resent.setPasswordToken), used_at: expect.any(Date) }]);

    const [hashRow] = await query<{ password_hash: string }>(
      server.databaseUrl,
      'select password_hash from users where id = $1',
      [invited.user.id],
    );
    const passwordHash = hashRow?.password_hash ?? 'missing';
    const everywhere = await query<{ dump: string }>(
      server.databaseUrl,
      `select concat_ws(E'\\n',
         (select json_agg(a)::text from audit_log a where entity_id = $1),
         (select json_agg(e)::text from events e where entity_id = $1),
         (select json_agg(k)::text from idempotency_keys k),
         (select json_agg(t)::text from user_tokens t where user_id = $1)) as dump`,
      [invited.user.id],
    );
    const dump = everywhere[0]?.dump ?? '';
    for (const secret of [invited.setPasswordToken, resent.setPasswordToken, passwordHash, 'argon2', 'passwordHash']) {
      expect(dump).not.toContain(secret);
    }
    const answers = JSON.stringify([
      await server.admin.users.get.query({ id: invited.user.id }),
      await server.admin.users.list.query({}),
    ]);
    expect(answers).not.toContain('argon2');
    expect(answers).not.toContain('passwordHash');
  });

  it('are never replayed: a retried create under one Idempotency-Key is refused, naming the user', async () => {
    const input = { email: uniqueEmail('idempotent'), name: 'Once Only', roles: ['support' as const] };
    const first = await server.admin.users.create.mutate(input, withIdempotencyKey('invite-once'));
    const replay = await caught(() => server.admin.users.create.mutate(input, withIdempotencyKey('invite-once')));
    expect(replay.data).toMatchObject({ code: 'CONFLICT', errorCode: 'CONFLICT', userId: first.user.id });
    expect(replay.message).toContain('sendSetPasswordLink');
    const rows = await query(server.databaseUrl, 'select id from users where email = $1', [input.email]);
    expect(rows).toHaveLength(1);

    const resent = await server.admin.users.sendSetPasswordLink.mutate(
      { id: first.user.id },
      withIdempotencyKey('resend-once'),
    );
    const resendReplay = await caught(() =>
      server.admin.users.sendSetPasswordLink.mutate({ id: first.user.id }, withIdempotencyKey('resend-once')),
    );
    expect(resendReplay.data).toMatchObject({ code: 'CONFLICT', userId: first.user.id });
    // The first link still works: the refused retry issued none.
    const stored = await query<{ dump: string }>(
      server.databaseUrl,
      'select coalesce(json_agg(k)::text, $1) as dump from idempotency_keys k',
      [''],
    );
    expect(stored[0]?.dump).not.toContain(first.setPasswordToken);
    expect(stored[0]?.dump).not.toContain(resent.setPasswordToken);
    expect(await setPassword(resent.setPasswordToken, 'a long enough passphrase')).toEqual({ userId: first.user.id });
  });
});

describe('roles', () => {
  it('are the four the issue names, each granting known scopes', () => {
    expect(ROLES).toEqual(['appraiser', 'reviewer', 'support', 'admin']);
    for (const role of ROLES) {
      for (const scope of ROLE_SCOPES[role]) expect(SCOPES).toContain(scope);
    }
  });
});

describe('docs/identity.md', () => {
  it('gives each role the scopes ROLE_SCOPES gives it', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs/identity.md'), 'utf8');
    // `| \`role\` | \`scope\`, \`scope\` |` rows of the roles table.
    const documented = Object.fromEntries(
      [...doc.matchAll(/^\|\s*`([a-z]+)`\s*\|\s*(`[a-z:]+`(?:,\s*`[a-z:]+`)*)\s*\|$/gm)].map((row) => [
        row[1],
        [...(row[2] ?? '').matchAll(/`([a-z:]+)`/g)].map((scope) => scope[1]),
      ]),
    );
    expect(documented).toEqual(ROLE_SCOPES);
  });

  it('explains every error code of users and set-password links', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs/identity.md'), 'utf8');
    const codes = [
      'USER_NOT_FOUND',
      'EMAIL_TAKEN',
      'APPRAISER_ALREADY_LINKED',
      'USER_INACTIVE',
      'SET_PASSWORD_LINK_INVALID',
      'PASSWORD_TOO_WEAK',
    ] as const;
    for (const code of codes) {
      expect(ERROR_CODES).toContain(code);
      expect(doc).toMatch(new RegExp(`^\\| \`${code}\`\\s+\\|`, 'm'));
    }
  });
});
