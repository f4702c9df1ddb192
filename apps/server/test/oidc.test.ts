import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@takst/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import { oidcSettingsOf } from '../src/oidc-settings';
import { safeReturnTo } from '../src/oidc-state-cookie';
import { Browser, type Page } from './support/browser';
import { query } from './support/database';
import { type ProviderAccount, startTestProvider, type TestProvider } from './support/oidc-provider';
import { startTestServer, type TestServer } from './support/server';

// Single sign-on against a real OpenID provider (oidc-provider) on 127.0.0.1: the browser's part
// is played with fetch, cookies carried by hand, each redirect followed one at a time.

let provider: TestProvider;
let server: TestServer;
let withoutSso: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  provider = await startTestProvider();
  server = await startTestServer({
    env: {
      LOG_LEVEL: 'info',
      TAKST_OIDC_ISSUER: provider.issuer,
      TAKST_OIDC_CLIENT_ID: provider.clientId,
      TAKST_OIDC_CLIENT_SECRET: provider.clientSecret,
      TAKST_OIDC_ALLOWED_DOMAINS: 'firma.example, Takst.Example',
      TAKST_OIDC_ROLE_MAP: 'Takst.Reviewers=reviewer,Takst.Support=support,Takst.Admins=admin',
      TAKST_OIDC_NAME: 'Firma-ID',
    },
    logTo: { write: (line: string) => logLines.push(line) },
  });
  provider.start(`${server.url}/auth/oidc/callback`);
  withoutSso = await startTestServer({ sharing: server });
});
afterAll(async () => {
  await withoutSso?.close();
  await server?.close();
  await provider?.close();
});

let serial = 0;

/** A person the provider knows, with a login of their own; claims as given. */
function providerAccount(claims: ProviderAccount): string {
  const login = `login-${++serial}`;
  provider.accounts.set(login, claims);
  return login;
}

const uniqueEmail = (domain = 'firma.example') => `person.${++serial}.${randomBytes(3).toString('hex')}@${domain}`;

/**
 * From /auth/oidc/start through the provider (signing in as `login`) to the callback URL the
 * provider sends the browser to, not yet requested.
 */
async function toCallback(browser: Browser, login: string, returnTo?: string, base = server.url): Promise<URL> {
  const search = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  let page = await browser.get(`${base}/auth/oidc/start${search}`);
  for (let hop = 0; hop < 10; hop++) {
    const next = page.location;
    if (!next) throw new Error(`expected a redirect, got ${page.status}: ${page.text}`);
    if (next.origin === new URL(base).origin) return next;
    if (next.pathname.startsWith('/interaction/')) next.searchParams.set('login', login);
    page = await browser.get(next);
  }
  throw new Error('the provider never sent the browser back');
}

/** The whole sign-in: the callback's answer, and the browser that got it. */
async function signIn(login: string, returnTo?: string): Promise<{ browser: Browser; answer: Page; callback: URL }> {
  const browser = new Browser();
  const callback = await toCallback(browser, login, returnTo);
  return { browser, answer: await browser.get(callback), callback };
}

const origin = () => new URL(server.url).origin;
const sessionOf = (browser: Browser) => browser.cookie(origin(), 'takst_session');

async function meWith(sessionToken: string) {
  const response = await fetch(`${server.url}/trpc/me.get`, { headers: { cookie: `takst_session=${sessionToken}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { result: { data: Record<string, unknown> } }).result.data;
}

/** The refusal a sign-in ended with: the console's page with the error code, and no session. */
function expectRefused(answer: Page, browser: Browser, errorCode: string) {
  expect(answer.status).toBe(302);
  expect(answer.location?.origin).toBe(origin());
  expect(answer.location?.pathname).toBe('/');
  expect(answer.location?.searchParams.get('signInError')).toBe(errorCode);
  expect(sessionOf(browser)).toBeUndefined();
}

async function person(roles: Role[], email = uniqueEmail()) {
  const { user } = await server.admin.users.create.mutate({ email, name: `Person ${++serial}`, roles });
  return user;
}

async function userRows(email: string) {
  return query<{ id: string; name: string; roles: string[]; active: boolean }>(
    server.databaseUrl,
    'select id, name, roles, active from users where lower(email) = lower($1)',
    [email],
  );
}

describe('GET /auth/config', () => {
  it('offers single sign-on, with its name, only where it is configured', async () => {
    const withSso = await fetch(`${server.url}/auth/config`);
    expect(withSso.status).toBe(200);
    expect(await withSso.json()).toEqual({ password: true, sso: { name: 'Firma-ID' } });
    const without = await fetch(`${withoutSso.url}/auth/config`);
    expect(await without.json()).toEqual({ password: true, sso: null });
  });
});

describe('without single sign-on configured', () => {
  it('answers start and callback with 404 OIDC_NOT_CONFIGURED as problem details', async () => {
    for (const path of ['/auth/oidc/start', '/auth/oidc/callback?code=x&state=y']) {
      const response = await fetch(`${withoutSso.url}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ errorCode: 'OIDC_NOT_CONFIGURED', status: 404 });
    }
  });
});

describe('GET /auth/oidc/start', () => {
  it('sends the browser to the provider with PKCE (S256), state and nonce, kept in a short-lived cookie', async () => {
    const browser = new Browser();
    const page = await browser.get(`${server.url}/auth/oidc/start?returnTo=${encodeURIComponent('/oppdrag/42')}`);
    expect(page.status).toBe(302);
    const authorization = page.location as URL;
    expect(authorization.origin).toBe(provider.issuer);
    const params = Object.fromEntries(authorization.searchParams);
    expect(params).toMatchObject({
      client_id: provider.clientId,
      response_type: 'code',
      scope: 'openid email profile',
      redirect_uri: `${server.url}/auth/oidc/callback`,
      code_challenge_method: 'S256',
    });

    const setCookie = page.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^takst_oidc=[A-Za-z0-9_-]+; /);
    for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/auth/oidc', 'Max-Age=600']) {
      expect(setCookie).toContain(attribute);
    }
    expect(setCookie).not.toContain('Secure');
    const pending = JSON.parse(Buffer.from(browser.cookie(origin(), 'takst_oidc') ?? '', 'base64url').toString());
    expect(pending).toMatchObject({ state: params.state, nonce: params.nonce, returnTo: '/oppdrag/42' });
    expect(createHash('sha256').update(pending.codeVerifier).digest('base64url')).toBe(params.code_challenge);
    expect(pending.expiresAt).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(pending.expiresAt).toBeLessThanOrEqual(Date.now() + 10 * 60_000);

    // A fresh verifier, state and nonce for every sign-in.
    const again = (await new Browser().get(`${server.url}/auth/oidc/start`)).location as URL;
    expect(again.searchParams.get('state')).not.toBe(params.state);
    expect(again.searchParams.get('code_challenge')).not.toBe(params.code_challenge);
  });

  it('marks the state cookie Secure when the request came over https', async () => {
    const page = await new Browser().get(`${server.url}/auth/oidc/start`, { 'x-forwarded-proto': 'https' });
    expect(page.headers.get('set-cookie')).toContain('Secure');
  });

  it('keeps returnTo only when it is a path on this server', async () => {
    const browser = new Browser();
    for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'oppdrag']) {
      await browser.get(`${server.url}/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`);
      const pending = JSON.parse(Buffer.from(browser.cookie(origin(), 'takst_oidc') ?? '', 'base64url').toString());
      expect(pending.returnTo, returnTo).toBe('/');
    }
    for (const bad of ['/\t/evil.example', '/x\n', ' /x', '', '/\u0000']) expect(safeReturnTo(bad)).toBe('/');
    for (const good of ['/', '/oppdrag?status=open#top', '/a//b']) expect(safeReturnTo(good)).toBe(good);
  });
});

describe('signing in with the provider', () => {
  it('signs in an existing user by email in any case, as they are, with a session like a password one', async () => {
    const email = uniqueEmail();
    const user = await person(['support'], email.replace('person', 'Person'));
    // The provider's roles do not change what an admin gave.
    const login = providerAccount({ email, email_verified: true, name: 'Another Name', roles: ['Takst.Admins'] });

    const { browser, answer } = await signIn(login, '/oppdrag?status=open');
    expect(answer.status).toBe(302);
    expect(answer.location?.href).toBe(`${server.url}/oppdrag?status=open`);
    const cookies = answer.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('takst_oidc='))).toMatch(/^takst_oidc=; .*Max-Age=0/);
    const sessionCookie = cookies.find((c) => c.startsWith('takst_session=')) ?? '';
    expect(sessionCookie).toMatch(/^takst_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=\d+/);
    expect(browser.cookie(origin(), 'takst_oidc')).toBeUndefined();

    const me = await meWith(sessionOf(browser) as string);
    expect(me).toMatchObject({ user: { id: user.id, roles: ['support'], name: user.name }, via: 'session' });
    const [session] = await query<{ method: string }>(
      server.databaseUrl,
      'select method from sessions where user_id = $1',
      [user.id],
    );
    expect(session?.method).toBe('oidc');
    expect(await userRows(email)).toEqual([{ id: user.id, name: user.name, roles: ['support'], active: true }]);
  });

  it('creates an unknown person whose roles claim maps to roles, named by the provider, as the actor', async () => {
    const email = uniqueEmail('takst.example');
    const login = providerAccount({
      email,
      email_verified: true,
      name: 'Nina Nyansatt',
      roles: ['Takst.Support', 'Someone.Elses.Role', 'Takst.Reviewers'],
    });
    const { browser, answer } = await signIn(login);
    expect(answer.location?.href).toBe(`${server.url}/`);
    const me = await meWith(sessionOf(browser) as string);
    expect(me).toMatchObject({
      user: { email, name: 'Nina Nyansatt', roles: ['reviewer', 'support'], appraiserId: null, hasPassword: false },
      via: 'session',
    });
    const userId = (me.user as { id: string }).id;

    const audit = await query(
      server.databaseUrl,
      `select action, actor_id, actor_name, user_id, user_name from audit_log where entity_id = $1`,
      [userId],
    );
    expect(audit).toEqual([
      { action: 'created', actor_id: null, actor_name: 'Nina Nyansatt', user_id: userId, user_name: 'Nina Nyansatt' },
    ]);
    const events = await query(server.databaseUrl, 'select type, user_id from events where entity_id = $1', [userId]);
    expect(events).toEqual([{ type: 'user.created', user_id: userId }]);

    // The next sign-in finds the person made the first time.
    const second = await signIn(login);
    expect(sessionOf(second.browser)).toBeDefined();
    expect(await userRows(email)).toHaveLength(1);
  });

  it('gives admin only where the role map says so', async () => {
    const email = uniqueEmail();
    const { browser } = await signIn(providerAccount({ email, roles: ['Takst.Admins'] }));
    const me = await meWith(sessionOf(browser) as string);
    expect(me).toMatchObject({ user: { email, roles: ['admin'] }, scopes: ['admin'] });
  });

  it('refuses an unknown person without a mapped role: OIDC_NO_ACCOUNT, and creates no one', async () => {
    const email = uniqueEmail();
    for (const roles of [undefined, ['Takst.Appraisers', 'takst.reviewers']]) {
      const { browser, answer } = await signIn(providerAccount({ email, email_verified: true, roles }));
      expectRefused(answer, browser, 'OIDC_NO_ACCOUNT');
    }
    expect(await userRows(email)).toEqual([]);
  });

  it('refuses an email outside the allowed domains, or one the provider has not verified', async () => {
    const outside = uniqueEmail('firma.example.evil.example');
    const refusedOutside = await signIn(providerAccount({ email: outside, roles: ['Takst.Support'] }));
    expectRefused(refusedOutside.answer, refusedOutside.browser, 'OIDC_EMAIL_NOT_ALLOWED');
    expect(await userRows(outside)).toEqual([]);

    // Even for a person who exists.
    const unverified = uniqueEmail();
    await person(['reviewer'], unverified);
    const refusedUnverified = await signIn(providerAccount({ email: unverified, email_verified: false }));
    expectRefused(refusedUnverified.answer, refusedUnverified.browser, 'OIDC_EMAIL_NOT_ALLOWED');

    const withoutEmail = await signIn(providerAccount({ name: 'No Email', roles: ['Takst.Support'] }));
    expectRefused(withoutEmail.answer, withoutEmail.browser, 'OIDC_EMAIL_NOT_ALLOWED');
  });

  it('refuses a deactivated person with SIGN_IN_FAILED, as password sign-in does', async () => {
    const email = uniqueEmail();
    const user = await person(['reviewer'], email);
    await server.admin.users.deactivate.mutate({ id: user.id });
    const { browser, answer } = await signIn(providerAccount({ email, roles: ['Takst.Reviewers'] }));
    expectRefused(answer, browser, 'SIGN_IN_FAILED');
    const sessions = await query(server.databaseUrl, 'select id from sessions where user_id = $1', [user.id]);
    expect(sessions).toEqual([]);
  });

  it('logs why a sign-in was refused, without the code or any token', async () => {
    const email = uniqueEmail('elsewhere.example');
    const { answer, callback } = await signIn(providerAccount({ email }));
    const requestId = answer.headers.get('x-request-id');
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === requestId && l.errorCode);
    expect(line).toMatchObject({ errorCode: 'OIDC_EMAIL_NOT_ALLOWED', msg: 'single sign-on refused' });
    expect(line.reason).toContain('elsewhere.example');
    const code = callback.searchParams.get('code') as string;
    expect(code.length).toBeGreaterThan(10);
    expect(logLines.join('\n')).not.toContain(code);
  });
});

describe('the state cookie', () => {
  const rewritePending = (browser: Browser, change: (pending: Record<string, unknown>) => void) => {
    const pending = JSON.parse(Buffer.from(browser.cookie(origin(), 'takst_oidc') ?? '', 'base64url').toString());
    change(pending);
    browser.setCookie(origin(), 'takst_oidc', Buffer.from(JSON.stringify(pending)).toString('base64url'));
  };

  it('must be there: a callback without it is OIDC_STATE_INVALID', async () => {
    const email = uniqueEmail();
    await person(['support'], email);
    const login = providerAccount({ email });
    const callback = await toCallback(new Browser(), login);
    const elsewhere = new Browser();
    expectRefused(await elsewhere.get(callback), elsewhere, 'OIDC_STATE_INVALID');
  });

  it('is refused when its state, PKCE verifier or expiry was changed, or it is unreadable', async () => {
    const email = uniqueEmail();
    await person(['support'], email);
    const login = providerAccount({ email });
    const tamperings: ((browser: Browser) => void)[] = [
      (browser) => rewritePending(browser, (p) => Object.assign(p, { state: 'a-state-of-my-choosing' })),
      (browser) => rewritePending(browser, (p) => Object.assign(p, { codeVerifier: 'v'.repeat(43) })),
      (browser) => rewritePending(browser, (p) => Object.assign(p, { nonce: 'another-nonce' })),
      (browser) => rewritePending(browser, (p) => Object.assign(p, { expiresAt: Date.now() - 1 })),
      (browser) => browser.setCookie(origin(), 'takst_oidc', 'not-base64url-json!'),
    ];
    for (const tamper of tamperings) {
      const browser = new Browser();
      const callback = await toCallback(browser, login);
      tamper(browser);
      expectRefused(await browser.get(callback), browser, 'OIDC_STATE_INVALID');
    }
  });

  it('works once: the same callback again is OIDC_STATE_INVALID', async () => {
    const email = uniqueEmail();
    await person(['support'], email);
    const { browser, answer, callback } = await signIn(providerAccount({ email }));
    expect(answer.location?.pathname).toBe('/');
    expect(answer.location?.searchParams.has('signInError')).toBe(false);
    const replay = await browser.get(callback);
    expect(replay.location?.searchParams.get('signInError')).toBe('OIDC_STATE_INVALID');
  });

  it('is refused when the provider answers with an error instead of a code', async () => {
    const browser = new Browser();
    const callback = await toCallback(browser, 'nobody-the-provider-knows');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expectRefused(await browser.get(callback), browser, 'OIDC_STATE_INVALID');
  });
});

describe('a provider that is down', () => {
  let down: TestProvider;
  let patient: TestServer;
  beforeAll(async () => {
    down = await startTestProvider();
    patient = await startTestServer({
      sharing: server,
      env: {
        TAKST_OIDC_ISSUER: down.issuer,
        TAKST_OIDC_CLIENT_ID: down.clientId,
        TAKST_OIDC_CLIENT_SECRET: down.clientSecret,
        TAKST_OIDC_ALLOWED_DOMAINS: 'firma.example',
      },
    });
  });
  afterAll(async () => {
    await patient?.close();
    await down?.close();
  });

  it('does not keep the server from starting; sign-in waits until the provider is up', async () => {
    const early = await new Browser().get(`${patient.url}/auth/oidc/start`);
    expect(early.status).toBe(302);
    expect(early.location?.href).toBe(`${patient.url}/?signInError=SERVICE_UNAVAILABLE`);

    down.start(`${patient.url}/auth/oidc/callback`);
    const email = uniqueEmail();
    const user = await person(['reviewer'], email);
    down.accounts.set('kari', { email });
    const browser = new Browser();
    const answer = await browser.get(await toCallback(browser, 'kari', '/', patient.url));
    expect(answer.location?.href).toBe(`${patient.url}/`);
    const token = browser.cookie(new URL(patient.url).origin, 'takst_session') as string;
    const me = await fetch(`${patient.url}/trpc/me.get`, { headers: { cookie: `takst_session=${token}` } });
    expect(((await me.json()) as { result: { data: { user: { id: string } } } }).result.data.user.id).toBe(user.id);
  });
});

describe('the configuration', () => {
  const complete = {
    TAKST_OIDC_ISSUER: 'https://login.microsoftonline.com/0b1c2d3e-0000-4000-8000-000000000000/v2.0',
    TAKST_OIDC_CLIENT_ID: 'a-client',
    TAKST_OIDC_CLIENT_SECRET: 'a-secret',
    TAKST_OIDC_ALLOWED_DOMAINS: 'Firma.no, @firma.com',
  };
  const problemsWith = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected the configuration to be refused');
  };

  it('is off without an issuer, and complete with one', () => {
    expect(oidcSettingsOf(loadConfig({}))).toBeNull();
    const settings = oidcSettingsOf(
      loadConfig({
        ...complete,
        TAKST_OIDC_ROLE_MAP: 'Takst.Reviewers=reviewer, Takst.Staff=support,Takst.Staff=admin',
      }),
    );
    expect(settings).toMatchObject({
      clientId: 'a-client',
      allowedDomains: ['firma.no', 'firma.com'],
      rolesClaim: 'roles',
      name: 'SSO',
      redirectUrl: null,
      insecure: false,
    });
    expect(Object.fromEntries(settings?.roleMap ?? [])).toEqual({
      'Takst.Reviewers': ['reviewer'],
      'Takst.Staff': ['support', 'admin'],
    });
  });

  it('names each variable an issuer needs and lacks', () => {
    const message = problemsWith({ TAKST_OIDC_ISSUER: complete.TAKST_OIDC_ISSUER });
    for (const name of ['TAKST_OIDC_CLIENT_ID', 'TAKST_OIDC_CLIENT_SECRET', 'TAKST_OIDC_ALLOWED_DOMAINS']) {
      expect(message).toContain(`${name}: must be set when TAKST_OIDC_ISSUER is`);
    }
    const withoutId = problemsWith({ ...complete, TAKST_OIDC_CLIENT_ID: '' });
    expect(withoutId).toContain('TAKST_OIDC_CLIENT_ID');
    expect(withoutId).not.toContain('TAKST_OIDC_CLIENT_SECRET');
    expect(problemsWith({ TAKST_OIDC_CLIENT_ID: 'a-client' })).toContain('TAKST_OIDC_ISSUER: must be set when');
  });

  it('takes plain http only for a provider on this machine', () => {
    expect(problemsWith({ ...complete, TAKST_OIDC_ISSUER: 'http://login.firma.no' })).toMatch(
      /TAKST_OIDC_ISSUER: must be an https:\/\/ URL/,
    );
    for (const local of ['http://127.0.0.1:9000', 'http://localhost:9000/realm']) {
      expect(oidcSettingsOf(loadConfig({ ...complete, TAKST_OIDC_ISSUER: local }))?.insecure).toBe(true);
    }
    expect(problemsWith({ ...complete, TAKST_OIDC_ISSUER: 'ftp://127.0.0.1' })).toContain('TAKST_OIDC_ISSUER');
  });

  it('refuses a role map that gives appraiser, names an unknown role, or is not value=role', () => {
    expect(problemsWith({ ...complete, TAKST_OIDC_ROLE_MAP: 'Takst.Field=appraiser' })).toMatch(
      /TAKST_OIDC_ROLE_MAP: .*appraiser role needs a link/,
    );
    expect(problemsWith({ ...complete, TAKST_OIDC_ROLE_MAP: 'Takst.Boss=owner' })).toContain('must be one of');
    expect(problemsWith({ ...complete, TAKST_OIDC_ROLE_MAP: 'reviewer' })).toContain('not claim-value=role');
    expect(problemsWith({ ...complete, TAKST_OIDC_ALLOWED_DOMAINS: 'firma no' })).toContain(
      'TAKST_OIDC_ALLOWED_DOMAINS',
    );
  });
});
