import { ROLE_SCOPES, type Role } from '@takst/contract';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let other: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { TAKST_CORS_ORIGINS: 'https://console.takst.example' } });
  other = await startTestServer({ sharing: server });
});
afterAll(async () => {
  await other?.close();
  await server?.close();
});
// Every test signs in from 127.0.0.1: failures of one must not throttle the next.
beforeEach(async () => {
  await query(server.databaseUrl, 'delete from sign_in_failures');
});

const PASSWORD = 'a long enough passphrase';
const CSRF = { 'x-takst-csrf': '1' };
let serial = 0;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: Record<string, unknown> };
}

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

function post(path: string, body: unknown, headers: Record<string, string> = CSRF, base = server.url) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).then(answerOf);
}

/** A user with a password set through their link. */
async function person(roles: Role[] = ['admin']) {
  const email = `person.${++serial}@takst.example`;
  const invited = await server.admin.users.create.mutate({ email, name: `Person ${serial}`, roles });
  const set = await post('/auth/set-password', { token: invited.setPasswordToken, password: PASSWORD });
  expect(set.status).toBe(200);
  return { email, user: invited.user };
}

/** The session cookie (`takst_session=…`) of a successful sign-in. */
async function signIn(email: string, base = server.url): Promise<string> {
  const answer = await post('/auth/sign-in', { email, password: PASSWORD }, CSRF, base);
  expect(answer.status).toBe(200);
  return (answer.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

function meWith(cookie: string, base = server.url) {
  return fetch(`${base}/trpc/me.get`, { headers: { cookie } }).then(answerOf);
}

function createAssignmentWith(cookie: string, headers: Record<string, string>, base = server.url) {
  return fetch(`${base}/trpc/assignments.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, ...headers },
    body: JSON.stringify(assignmentInput()),
  }).then(answerOf);
}

const sessionOf = (cookie: string) =>
  `(select id from sessions where token_hash = encode(sha256(convert_to('${cookie.split('=')[1]}', 'UTF8')), 'hex'))`;

describe('POST /auth/sign-in', () => {
  it('signs in with the password set through a link, in an HttpOnly, SameSite=Lax cookie', async () => {
    const { email, user } = await person(['reviewer', 'support']);
    const answer = await post('/auth/sign-in', { email: email.toUpperCase(), password: PASSWORD });
    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ id: user.id, email, hasPassword: true });
    const cookie = answer.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^takst_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    const [row] = await query<{ token_hash: string; method: string }>(
      server.databaseUrl,
      'select token_hash, method from sessions where user_id = $1',
      [user.id],
    );
    // Only the hash is kept.
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cookie).not.toContain(row?.token_hash);
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const { email } = await person();
    const answer = await post(
      '/auth/sign-in',
      { email, password: PASSWORD },
      { ...CSRF, 'x-forwarded-proto': 'https' },
    );
    expect(answer.headers.get('set-cookie')).toContain('Secure');
  });

  it('answers SIGN_IN_FAILED alike for a wrong password, an unknown email and an inactive person', async () => {
    const { email, user } = await person();
    const inactive = await person();
    await server.admin.users.deactivate.mutate({ id: inactive.user.id });
    const tries = [
      { email, password: 'not the password' },
      { email: 'nobody@takst.example', password: PASSWORD },
      { email: inactive.email, password: PASSWORD },
    ];
    const messages = new Set<unknown>();
    for (const body of tries) {
      const answer = await post('/auth/sign-in', body);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'UNAUTHORIZED', errorCode: 'SIGN_IN_FAILED' });
      expect(answer.headers.get('set-cookie')).toBeNull();
      messages.add(answer.body.detail);
    }
    expect(messages.size).toBe(1);
    expect(user.active).toBe(true);
  });

  it('refuses sign-in without the CSRF header or from a foreign origin', async () => {
    const { email } = await person();
    const without = await post('/auth/sign-in', { email, password: PASSWORD }, {});
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ errorCode: 'CSRF_REFUSED' });
    const foreign = await post(
      '/auth/sign-in',
      { email, password: PASSWORD },
      { ...CSRF, origin: 'https://evil.example' },
    );
    expect(foreign.body).toMatchObject({ errorCode: 'CSRF_REFUSED' });
  });

  it('throttles an account after 5 failures, with a delay that doubles', async () => {
    const { email } = await person();
    const wrong = { email, password: 'not the password' };
    for (let i = 0; i < 5; i++) expect((await post('/auth/sign-in', wrong)).status).toBe(401);
    const throttled = await post('/auth/sign-in', { email, password: PASSWORD });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ errorCode: 'SIGN_IN_THROTTLED', retryAfterSeconds: 1 });
    expect(throttled.headers.get('retry-after')).toBe('1');

    // The delay over (moved back rather than waited for), a 6th failure doubles it.
    const past = "last_failure_at = now() - interval '1 hour'";
    await query(server.databaseUrl, `update sign_in_failures set ${past}`);
    expect((await post('/auth/sign-in', wrong)).status).toBe(401);
    const again = await post('/auth/sign-in', wrong);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('2');

    await query(server.databaseUrl, `update sign_in_failures set failures = 40, ${past.replace('1 hour', '1 second')}`);
    const capped = await post('/auth/sign-in', wrong);
    expect(capped.headers.get('retry-after')).toBe(String(15 * 60 - 1));

    // A success clears the account's counter.
    await query(server.databaseUrl, `update sign_in_failures set ${past}`);
    await signIn(email);
    const left = await query<{ key: string }>(server.databaseUrl, 'select key from sign_in_failures order by key');
    expect(left.map((row) => row.key)).toEqual(['address:127.0.0.1']);
  });

  it('throttles a client address across accounts', async () => {
    for (let i = 0; i < 5; i++) {
      await post('/auth/sign-in', { email: `nobody.${i}@takst.example`, password: 'wrong password' });
    }
    const { email } = await person();
    const refused = await post('/auth/sign-in', { email, password: PASSWORD });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ errorCode: 'SIGN_IN_THROTTLED' });
  });
});

describe('behind a proxy', () => {
  const failures = async () =>
    (
      await query<{ key: string }>(server.databaseUrl, "select key from sign_in_failures where key like 'address:%'")
    ).map((row) => row.key);
  const wrongFrom = (base: string, forwardedFor: string) =>
    post(
      '/auth/sign-in',
      { email: 'nobody@takst.example', password: 'wrong password' },
      { ...CSRF, 'x-forwarded-for': forwardedFor },
      base,
    );

  it('counts failures against the caller named by a trusted proxy (TAKST_TRUST_PROXY)', async () => {
    const behindProxy = await startTestServer({ sharing: server, env: { TAKST_TRUST_PROXY: 'loopback' } });
    try {
      expect((await wrongFrom(behindProxy.url, '203.0.113.7')).status).toBe(401);
      expect(await failures()).toEqual(['address:203.0.113.7']);
    } finally {
      await behindProxy.close();
    }
  });

  it('ignores X-Forwarded-For when no proxy is trusted, so a caller cannot choose its address', async () => {
    expect((await wrongFrom(server.url, '203.0.113.8')).status).toBe(401);
    expect(await failures()).toEqual(['address:127.0.0.1']);
  });
});

describe('a session', () => {
  it('answers me.get with the person, the scopes of their roles and via session', async () => {
    const { email, user } = await person(['reviewer', 'support']);
    const me = await meWith(await signIn(email));
    expect(me.status).toBe(200);
    const data = (me.body.result as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({ user: { id: user.id, email }, apiClient: null, via: 'session' });
    const union = new Set([...ROLE_SCOPES.reviewer, ...ROLE_SCOPES.support]);
    expect(new Set(data.scopes as string[])).toEqual(union);
  });

  it('is refused without a cookie or with an unknown one', async () => {
    for (const cookie of ['', `takst_session=${'x'.repeat(43)}`]) {
      const me = await meWith(cookie);
      expect(me.status).toBe(401);
      expect(me.body.error).toMatchObject({ data: { errorCode: 'UNAUTHENTICATED' } });
    }
  });

  it('refuses a mutation without the CSRF header, or from a foreign origin', async () => {
    const cookie = await signIn((await person()).email);
    const audited = () => query<{ n: number }>(server.databaseUrl, 'select count(*)::int as n from audit_log');
    const before = await audited();
    const without = await createAssignmentWith(cookie, {});
    expect(without.status).toBe(403);
    expect(without.body.error).toMatchObject({ data: { code: 'FORBIDDEN', errorCode: 'CSRF_REFUSED' } });
    const foreign = await createAssignmentWith(cookie, { ...CSRF, origin: 'https://evil.example' });
    expect(foreign.body.error).toMatchObject({ data: { errorCode: 'CSRF_REFUSED' } });
    expect(await audited()).toEqual(before);
    // Queries need no header.
    expect((await meWith(cookie)).status).toBe(200);
  });

  it('makes changes with the CSRF header, naming the person in the audit log and the event', async () => {
    const { email, user } = await person();
    const cookie = await signIn(email);
    for (const origin of [undefined, new URL(server.url).origin, 'https://console.takst.example']) {
      const created = await createAssignmentWith(cookie, origin ? { ...CSRF, origin } : CSRF);
      expect(created.status).toBe(200);
      const id = (created.body.result as { data: { id: string } }).data.id;
      const audit = await query(
        server.databaseUrl,
        `select actor_id, actor_name, user_id, user_name from audit_log where entity_id = $1 and action = 'created'`,
        [id],
      );
      const expected = { actor_id: null, actor_name: user.name, user_id: user.id, user_name: user.name };
      expect(audit).toEqual([expected]);
      const events = await query(
        server.databaseUrl,
        `select actor_id, actor_name, user_id, user_name from events where entity_id = $1 and type = 'assignment.created'`,
        [id],
      );
      expect(events).toEqual([expected]);
    }
  });

  it('keeps API keys working as before: no CSRF header, no person', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const [audit] = await query<{ user_id: string | null }>(
      server.databaseUrl,
      `select user_id from audit_log where entity_id = $1`,
      [created.id],
    );
    expect(audit?.user_id).toBeNull();
  });

  it('replays a keyed mutation made with a session', async () => {
    const cookie = await signIn((await person()).email);
    const headers = { ...CSRF, 'idempotency-key': `session-key-${serial}` };
    const first = await createAssignmentWith(cookie, headers);
    const second = await createAssignmentWith(cookie, headers);
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const owners = await query(server.databaseUrl, 'select owner_id from idempotency_keys where key = $1', [
      headers['idempotency-key'],
    ]);
    expect(owners).toHaveLength(1);
  });

  it('ends when idle too long, and when too old however busy', async () => {
    const idle = await signIn((await person()).email);
    const old = await signIn((await person()).email);
    expect((await meWith(idle)).status).toBe(200);
    expect((await meWith(old)).status).toBe(200);
    // Changed behind the server's back, so each process is told as a change would tell it.
    await query(
      server.databaseUrl,
      `update sessions set last_seen_at = now() - interval '8 hours 1 minute' where id = ${sessionOf(idle)}`,
    );
    await query(
      server.databaseUrl,
      `update sessions set expires_at = now() - interval '1 second', last_seen_at = now() where id = ${sessionOf(old)}`,
    );
    await query(server.databaseUrl, `select pg_notify('takst_users', user_id::text) from sessions`);
    await expect.poll(async () => (await meWith(idle)).status).toBe(401);
    await expect.poll(async () => (await meWith(old)).status).toBe(401);
  });

  it('writes lastSeenAt at most once a minute', async () => {
    const cookie = await signIn((await person()).email);
    await query(
      server.databaseUrl,
      `update sessions set last_seen_at = now() - interval '5 minutes' where id = ${sessionOf(cookie)}`,
    );
    await query(server.databaseUrl, `select pg_notify('takst_users', user_id::text) from sessions`);
    await expect
      .poll(async () => {
        await meWith(cookie);
        const [row] = await query<{ age: number }>(
          server.databaseUrl,
          `select extract(epoch from now() - last_seen_at)::float as age from sessions where id = ${sessionOf(cookie)}`,
        );
        return (row?.age ?? 999) < 60;
      })
      .toBe(true);
  });

  it('ends at sign-out, which clears the cookie', async () => {
    const cookie = await signIn((await person()).email);
    const refused = await post('/auth/sign-out', {}, { cookie });
    expect(refused.body).toMatchObject({ errorCode: 'CSRF_REFUSED' });
    const out = await post('/auth/sign-out', {}, { ...CSRF, cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^takst_session=; .*Max-Age=0/);
    expect((await meWith(cookie)).status).toBe(401);
    const [row] = await query<{ ended_reason: string }>(
      server.databaseUrl,
      `select ended_reason from sessions where id = ${sessionOf(cookie)}`,
    );
    expect(row?.ended_reason).toBe('signed_out');
  });

  it('ends at once in another server process when an admin deactivates the person', async () => {
    const { email, user } = await person();
    const cookie = await signIn(email, other.url);
    // Twice, so the other process answers from its cache.
    expect((await meWith(cookie, other.url)).status).toBe(200);
    expect((await meWith(cookie, other.url)).status).toBe(200);
    await server.admin.users.deactivate.mutate({ id: user.id });
    const me = await meWith(cookie, other.url);
    expect(me.status).toBe(401);
  });

  it('ends at once in another server process when an admin ends the sessions', async () => {
    const { email, user } = await person();
    const cookie = await signIn(email, other.url);
    expect((await meWith(cookie, other.url)).status).toBe(200);
    expect((await meWith(cookie, other.url)).status).toBe(200);
    await server.admin.users.endSessions.mutate({ id: user.id });
    expect((await meWith(cookie, other.url)).status).toBe(401);
  });
});

describe('POST /auth/set-password', () => {
  it('refuses a used link and a weak password', async () => {
    const invited = await server.admin.users.create.mutate({
      email: `link.${++serial}@takst.example`,
      name: 'Link Person',
      roles: ['support'],
    });
    const weak = await post('/auth/set-password', { token: invited.setPasswordToken, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ errorCode: 'PASSWORD_TOO_WEAK' });
    expect((await post('/auth/set-password', { token: invited.setPasswordToken, password: PASSWORD })).status).toBe(
      200,
    );
    const used = await post('/auth/set-password', { token: invited.setPasswordToken, password: PASSWORD });
    expect(used.body).toMatchObject({ errorCode: 'SET_PASSWORD_LINK_INVALID' });
  });
});
