import { createTakstClient, isTakstError } from '@takst/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

// The SDK with a signed-in person's session instead of an API key: the cookie through a headers
// callback (Node.js) or through fetch's `credentials` (a browser), the CSRF header sent for it.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());
afterEach(() => {
  vi.unstubAllGlobals();
});

const PASSWORD = 'a long enough passphrase';
let serial = 0;

function postJson(path: string, body: unknown) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
    body: JSON.stringify(body),
  });
}

/** An admin person with a password, signed in over POST /auth/sign-in: their `takst_session=…` cookie. */
async function signedIn(): Promise<{ cookie: string; userId: string; name: string }> {
  const email = `sdk.session.${++serial}@takst.example`;
  const name = `SDK Person ${serial}`;
  const invited = await server.admin.users.create.mutate({ email, name, roles: ['admin'] });
  expect((await postJson('/auth/set-password', { token: invited.setPasswordToken, password: PASSWORD })).status).toBe(
    200,
  );
  const answer = await postJson('/auth/sign-in', { email, password: PASSWORD });
  expect(answer.status).toBe(200);
  const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  expect(cookie).toMatch(/^takst_session=/);
  return { cookie, userId: invited.user.id, name };
}

describe('a client on a session cookie', () => {
  it('sent through a headers callback calls queries, and mutations with the CSRF header it adds', async () => {
    const { cookie, userId, name } = await signedIn();
    const takst = createTakstClient({ baseUrl: server.url, headers: () => ({ cookie }) });

    const me = await takst.me.get.query();
    expect(me).toMatchObject({ via: 'session', apiClient: null, user: { id: userId } });

    const created = await takst.assignments.create.mutate(assignmentInput({ notes: 'made with a session' }));
    const stored = await server.admin.assignments.get.query({ id: created.id });
    expect(stored.notes).toBe('made with a session');
    const [entry] = (await server.admin.audit.list.query({ entityId: created.id })).items;
    // Made by the person, not by an API client.
    expect(entry?.actor).toEqual({ id: null, name });

    // The same change without the header is refused: the header is what let it through.
    const bare = await fetch(`${server.url}/trpc/assignments.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(assignmentInput()),
    });
    expect(bare.status).toBe(403);
    expect(((await bare.json()) as { error: { data: { errorCode: string } } }).error.data.errorCode).toBe(
      'CSRF_REFUSED',
    );
  });

  it("with credentials: 'include' passes them to every fetch, as a browser's cookie jar would need", async () => {
    const { cookie, userId } = await signedIn();
    const seen: { credentials: RequestCredentials | undefined; csrf: string | null }[] = [];
    const takst = createTakstClient({
      baseUrl: server.url,
      credentials: 'include',
      // Stands in for the browser, which adds the cookie itself when credentials are 'include'.
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        seen.push({ credentials: init?.credentials, csrf: headers.get('x-takst-csrf') });
        if (init?.credentials === 'include') headers.set('cookie', cookie);
        return fetch(input, { ...init, headers });
      },
    });

    expect(await takst.me.get.query()).toMatchObject({ via: 'session', user: { id: userId } });
    const party = await takst.parties.create.mutate({ kind: 'person', name: 'Kari Session' });
    expect((await server.admin.parties.get.query({ id: party.id })).name).toBe('Kari Session');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(seen.map(() => ({ credentials: 'include', csrf: '1' })));
  });

  it('answers an ended session with UNAUTHENTICATED', async () => {
    const { cookie } = await signedIn();
    const takst = createTakstClient({ baseUrl: server.url, headers: { cookie } });
    await takst.me.get.query();
    expect(
      (await fetch(`${server.url}/auth/sign-out`, { method: 'POST', headers: { cookie, 'x-takst-csrf': '1' } })).status,
    ).toBe(200);
    const error = await takst.me.get.query().catch((caught: unknown) => caught);
    expect(isTakstError(error, 'UNAUTHENTICATED')).toBe(true);
  });
});

describe('a client on headers of its own', () => {
  it('sends an Authorization from an async callback, in any case, and no other', async () => {
    const authorizations: (string | null)[] = [];
    const takst = createTakstClient({
      baseUrl: server.url,
      headers: async () => ({ Authorization: `Bearer ${server.adminKey}` }),
      fetch: (input, init) => {
        authorizations.push(new Headers(init?.headers).get('authorization'));
        return fetch(input, init);
      },
    });
    expect(await takst.me.get.query()).toMatchObject({ via: 'api_key', user: null });
    expect(authorizations).toEqual([`Bearer ${server.adminKey}`]);
  });

  it('lets an apiKey win over an Authorization among the headers', async () => {
    const takst = createTakstClient({
      baseUrl: server.url,
      apiKey: server.adminKey,
      headers: { Authorization: 'Bearer tk_not_this_one' },
    });
    expect(await takst.me.get.query()).toMatchObject({ via: 'api_key' });
  });
});

describe('credentials and subscriptions', () => {
  it("passes credentials to the subscription's fetch too", async () => {
    const seen: { url: string; credentials: RequestCredentials | undefined }[] = [];
    const takst = createTakstClient({
      baseUrl: server.url,
      apiKey: server.adminKey,
      credentials: 'include',
      fetch: (input, init) => {
        seen.push({ url: String(input instanceof Request ? input.url : input), credentials: init?.credentials });
        return fetch(input, init);
      },
    });
    const started = new Promise<void>((resolve, reject) => {
      const subscription = takst.events.subscribe.subscribe(
        { after: 0 },
        {
          onStarted: () => {
            subscription.unsubscribe();
            resolve();
          },
          onError: reject,
        },
      );
    });
    await started;
    const stream = seen.find((request) => request.url.includes('/trpc/events.subscribe'));
    expect(stream?.credentials).toBe('include');
  });
});

describe('creating a client', () => {
  it('refuses one with no way to authenticate, with a TypeError saying what to give', () => {
    expect(() => createTakstClient({ baseUrl: server.url })).toThrow(TypeError);
    expect(() => createTakstClient({ baseUrl: server.url, apiKey: undefined })).toThrow(/apiKey.*credentials.*headers/);
  });

  it('refuses a relative baseUrl outside a browser', () => {
    expect(() => createTakstClient({ baseUrl: '/', apiKey: server.adminKey })).toThrow(/absolute URL/);
  });

  it("takes a relative baseUrl ('' or '/') in a page, against the page's address", async () => {
    vi.stubGlobal('location', { href: `${server.url}/console/assignments?tab=open` });
    for (const baseUrl of ['', '/']) {
      const urls: string[] = [];
      const takst = createTakstClient({
        baseUrl,
        credentials: 'same-origin',
        headers: { authorization: `Bearer ${server.adminKey}` },
        fetch: (input, init) => {
          urls.push(String(input));
          return fetch(input, init);
        },
      });
      expect(await takst.me.get.query()).toMatchObject({ via: 'api_key' });
      expect(urls.map((url) => url.split('?')[0])).toEqual([`${server.url}/trpc/me.get`]);
    }
  });
});
