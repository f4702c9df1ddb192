import type { RouterInputs, TakstClient, TakstEvent } from '@takst/sdk';
import { createTakstClient } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught, conditionReportContent } from './support/fixtures';
import { invitePerson, signedInPerson, signIn } from './support/people';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let appraiserId: string;
beforeAll(async () => {
  server = await startTestServer();
  const certified = { certifications: [{ area: 'condition' as const, validFrom: '2020-01-01', validTo: null }] };
  appraiserId = (await server.admin.appraisers.create.mutate({ name: 'Astrid Takst', ...certified })).id;
}, 60_000);
afterAll(() => server?.close());

const content = conditionReportContent;

/** A client of an API key with these scopes that names the person in `X-Takst-Acting-For`. */
async function actingFor(userId: string, scopes: Parameters<TestServer['clientWithScopes']>[0]): Promise<TakstClient> {
  const created = await server.admin.apiClients.create.mutate({ name: `Booking tool ${userId.slice(-4)}`, scopes });
  return createTakstClient({ baseUrl: server.url, apiKey: created.apiKey, headers: { 'x-takst-acting-for': userId } });
}

describe('the first admin user', () => {
  it('is made at the first start, with a one-time link printed once that signs them in', async () => {
    const link = server.printed.join('\n').match(/set-password\?token=([A-Za-z0-9_-]+)/)?.[1];
    expect(link, server.printed.join('\n')).toBeDefined();
    const [admin] = await query<{ email: string; roles: string[] }>(
      server.databaseUrl,
      "select email, roles from users where email = 'admin@takst.local'",
    );
    expect(admin).toEqual({ email: 'admin@takst.local', roles: ['admin'] });
    const set = await fetch(`${server.url}/auth/set-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
      body: JSON.stringify({ token: link, password: 'the first admin passphrase' }),
    });
    expect(set.status).toBe(200);
    const signedIn = await fetch(`${server.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
      body: JSON.stringify({ email: 'admin@takst.local', password: 'the first admin passphrase' }),
    });
    expect(signedIn.status).toBe(200);
    // Nothing of it went to the log: the link is only in what was printed.
    const logged = await query<{ n: string }>(server.databaseUrl, 'select count(*) as n from users');
    expect(Number(logged[0]?.n)).toBeGreaterThan(0);
  });

  it('is not made again at a restart, and TAKST_BOOTSTRAP_ADMIN_EMAIL names it on a fresh database', async () => {
    const again = await startTestServer({ sharing: server });
    try {
      expect(again.printed.join('\n')).not.toContain('set-password?token=');
    } finally {
      await again.close();
    }
    const fresh = await startTestServer({ env: { TAKST_BOOTSTRAP_ADMIN_EMAIL: 'Kari@Firma.example' } });
    try {
      expect(fresh.printed.join('\n')).toContain('an admin user was created: Kari@Firma.example');
      const users = await fresh.admin.users.list.query({});
      expect(users.items.map((user) => [user.email, user.roles, user.hasPassword])).toEqual([
        ['Kari@Firma.example', ['admin'], false],
      ]);
    } finally {
      await fresh.close();
    }
  });
});

describe('an API client acting for a person', () => {
  it('names both in me.get, the audit log and the events, and holds only what both may do', async () => {
    const person = await invitePerson(server, ['support'], { name: 'Siri Støtte' });
    const tool = await actingFor(person.userId, ['assignments:read', 'assignments:write', 'users:act_for']);
    const me = await tool.me.get.query();
    expect(me).toMatchObject({ user: { id: person.userId, name: 'Siri Støtte' }, via: 'api_key' });
    expect(me.apiClient?.name).toMatch(/^Booking tool/);
    expect(me.scopes.sort()).toEqual(['assignments:read', 'assignments:write']);

    const created = await tool.assignments.create.mutate(assignmentInput());
    const [audit] = (await server.admin.audit.list.query({ entityId: created.id })).items;
    expect(audit).toMatchObject({
      actor: { id: me.apiClient?.id, name: me.apiClient?.name },
      user: { id: person.userId, name: 'Siri Støtte' },
    });
    const events = await server.admin.events.list.query({ entityId: created.id });
    expect(events.items[0]).toMatchObject({
      type: 'assignment.created',
      actor: { id: me.apiClient?.id },
      user: { id: person.userId, name: 'Siri Støtte' },
    });
    // The key has no parties:write, the person has: the call has it not.
    const party = await caught(() => tool.parties.create.mutate({ kind: 'person', name: 'Ola Nordmann' }));
    expect(party.data).toMatchObject({ errorCode: 'MISSING_SCOPE' });
  });

  it('holds the person to their role rules: an appraiser only on their own assignments', async () => {
    const person = await invitePerson(server, ['appraiser'], { appraiserId });
    const tool = await actingFor(person.userId, ['admin']);
    const theirs = await server.admin.assignments.create.mutate(assignmentInput());
    const assigned = await server.admin.assignments.assign.mutate({
      id: theirs.id,
      appraiserId,
      expectedVersion: theirs.version,
    });
    const held = await tool.assignments.transition.mutate({
      id: assigned.id,
      to: 'on_hold',
      expectedVersion: assigned.version,
    });
    expect(held.status).toBe('on_hold');
    const notTheirs = await server.admin.assignments.create.mutate(assignmentInput());
    const refusal = await caught(() =>
      tool.assignments.transition.mutate({ id: notTheirs.id, to: 'on_hold', expectedVersion: notTheirs.version }),
    );
    expect(refusal.data).toMatchObject({ errorCode: 'NOT_ASSIGNED_TO_YOU' });
    // The admin key acting for an appraiser holds an appraiser's scopes, not its own.
    const adminWork = await caught(() => tool.users.list.query({}));
    expect(adminWork.data).toMatchObject({ code: 'FORBIDDEN', errorCode: 'MISSING_SCOPE' });
  });

  it('is refused without users:act_for, or for someone unknown or inactive', async () => {
    const person = await invitePerson(server, ['support']);
    const unpermitted = await actingFor(person.userId, ['assignments:read']);
    expect((await caught(() => unpermitted.me.get.query())).data).toMatchObject({
      code: 'FORBIDDEN',
      errorCode: 'ACTING_FOR_REFUSED',
    });
    const unknown = await actingFor('01900000-0000-7000-8000-000000000000', ['users:act_for', 'assignments:read']);
    expect((await caught(() => unknown.me.get.query())).data).toMatchObject({ errorCode: 'ACTING_FOR_REFUSED' });
    const notAnId = await actingFor('someone', ['users:act_for', 'assignments:read']);
    expect((await caught(() => notAnId.me.get.query())).data).toMatchObject({ errorCode: 'ACTING_FOR_REFUSED' });
    const permitted = await actingFor(person.userId, ['users:act_for', 'assignments:read']);
    expect((await permitted.me.get.query()).user?.id).toBe(person.userId);
    await server.admin.users.deactivate.mutate({ id: person.userId });
    expect((await caught(() => permitted.me.get.query())).data).toMatchObject({ errorCode: 'ACTING_FOR_REFUSED' });
  });
});

describe('an assignment done by two people', () => {
  it('from received to delivered, with both names in the audit log and the events', async () => {
    const certified = { certifications: [{ area: 'condition' as const, validFrom: '2020-01-01', validTo: null }] };
    const appraiserId = (await server.admin.appraisers.create.mutate({ name: 'Astrid Takst', ...certified })).id;
    const appraiser = await signedInPerson(server, ['appraiser'], { appraiserId, name: 'Astrid Takst' });
    const reviewer = await signedInPerson(server, ['reviewer'], { name: 'Rita Fagansvarlig' });
    const support = await signedInPerson(server, ['support'], { name: 'Siri Støtte' });

    const received = await support.takst.assignments.create.mutate(assignmentInput());
    let assignment = await support.takst.assignments.assign.mutate({
      id: received.id,
      appraiserId,
      expectedVersion: received.version,
    });
    const move = async (who: TakstClient, to: RouterInputs['assignments']['transition']['to']) => {
      assignment = await who.assignments.transition.mutate({
        id: assignment.id,
        to,
        expectedVersion: assignment.version,
      });
    };
    await move(appraiser.takst, 'confirmed');
    const inspection = await appraiser.takst.inspections.book.mutate({
      assignmentId: assignment.id,
      appraiserId,
      startsAt: '2027-02-01T09:00:00+01:00',
      endsAt: '2027-02-01T10:00:00+01:00',
    });
    await appraiser.takst.inspections.complete.mutate({ id: inspection.id, expectedVersion: inspection.version });
    assignment = await appraiser.takst.assignments.get.query({ id: assignment.id });
    await move(appraiser.takst, 'drafting');
    const draft = await appraiser.takst.reports.createDraft.mutate({ assignmentId: assignment.id, content });
    const submitted = await appraiser.takst.reports.submit.mutate({ id: draft.id, expectedVersion: draft.version });
    assignment = await appraiser.takst.assignments.get.query({ id: assignment.id });
    await move(appraiser.takst, 'in_review');
    const approved = await reviewer.takst.reports.approve.mutate({ id: draft.id, expectedVersion: submitted.version });
    await move(reviewer.takst, 'delivered');
    expect(assignment.status).toBe('delivered');
    expect(approved).toMatchObject({ authorUserId: appraiser.userId, reviewerUserId: reviewer.userId });

    const audit = [
      ...(await server.admin.audit.list.query({ entityId: assignment.id, limit: 100 })).items,
      ...(await server.admin.audit.list.query({ entityId: draft.id, limit: 100 })).items,
    ];
    const namesIn = (entries: { user: { name: string } | null }[]) =>
      [...new Set(entries.map((entry) => entry.user?.name ?? '(API key)'))].sort();
    expect(namesIn(audit)).toEqual(['Astrid Takst', 'Rita Fagansvarlig', 'Siri Støtte']);
    const reportApproval = audit.find((entry) => entry.entityId === draft.id && entry.action === 'approved');
    expect(reportApproval?.user).toEqual({ id: reviewer.userId, name: 'Rita Fagansvarlig' });
    expect(reportApproval?.actor).toEqual({ id: null, name: 'Rita Fagansvarlig' });

    const events = (await server.admin.events.list.query({ entityId: assignment.id, limit: 100 })).items;
    const delivered = events.find(
      (event) => event.type === 'assignment.status_changed' && event.changes.status?.to === 'delivered',
    );
    expect(delivered?.user).toEqual({ id: reviewer.userId, name: 'Rita Fagansvarlig' });
    const drafting = events.find(
      (event) => event.type === 'assignment.status_changed' && event.changes.status?.to === 'drafting',
    );
    expect(drafting?.user).toEqual({ id: appraiser.userId, name: 'Astrid Takst' });
    expect(namesIn(events)).toEqual(['Astrid Takst', 'Rita Fagansvarlig', 'Siri Støtte']);
    // "What did this person do": the audit log by person.
    const byReviewer = await server.admin.audit.list.query({ userId: reviewer.userId });
    expect(byReviewer.items.map((entry) => entry.action).sort()).toEqual(['approved', 'delivered', 'status_changed']);
  });
});

describe('a live event stream with a session', () => {
  it('follows events for a signed-in person, and ends when the person is deactivated', async () => {
    const person = await signedInPerson(server, ['support']);
    const received: TakstEvent[] = [];
    const errors: unknown[] = [];
    let started = false;
    // From the log's end as it is now: without `after` the stream starts where the server finds
    // the end once it runs, which on a busy machine can come after the create below.
    const [log] = await query<{ latest: string }>(
      server.databaseUrl,
      'select coalesce(max(sequence), 0) as latest from events',
    );
    const subscription = person.takst.events.subscribe.subscribe(
      { after: Number(log?.latest) },
      {
        onStarted: () => {
          started = true;
        },
        onData: ({ data }) => received.push(data),
        onError: (error) => errors.push(error),
      },
    );
    try {
      await vi.waitFor(() => expect(started).toBe(true), { timeout: 10_000 });
      const created = await server.admin.assignments.create.mutate(assignmentInput());
      await vi.waitFor(() => expect(received.map((event) => event.entityId)).toContain(created.id), {
        timeout: 10_000,
      });
      const other = await startTestServer({ sharing: server });
      try {
        // Deactivated through another server: this one hears of it and ends the stream.
        await other.admin.users.deactivate.mutate({ id: person.userId });
      } finally {
        await other.close();
      }
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 10_000 });
      expect(errors[0]).toMatchObject({ data: { code: 'UNAUTHORIZED', errorCode: 'UNAUTHENTICATED' } });
      expect(String((errors[0] as Error).message)).toContain('session has ended');
    } finally {
      subscription.unsubscribe();
    }
  });

  it('is refused before it starts once the session has ended', async () => {
    const person = await invitePerson(server, ['reviewer']);
    const cookie = await signIn(server.url, person.email);
    await server.admin.users.endSessions.mutate({ id: person.userId });
    const response = await fetch(`${server.url}/trpc/events.subscribe?input=%7B%7D`, { headers: { cookie } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { data: { errorCode: 'UNAUTHENTICATED' } } });
  });
});
