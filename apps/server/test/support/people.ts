import type { Role } from '@takst/contract';
import { createTakstClient, type TakstClient } from '@takst/sdk';
import type { TestServer } from './server';

/** The password every test person sets through their link. */
export const TEST_PASSWORD = 'a long enough passphrase';

let serial = 0;

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
    body: JSON.stringify(body),
  });
}

export interface TestPerson {
  email: string;
  name: string;
  userId: string;
}

/** A user made by the admin key, with TEST_PASSWORD set through their one-time link. */
export async function invitePerson(
  server: TestServer,
  roles: Role[],
  fields: { appraiserId?: string; name?: string } = {},
): Promise<TestPerson> {
  serial += 1;
  const email = `person.${process.pid}.${serial}@takst.example`;
  const name = fields.name ?? `Person ${serial}`;
  const invited = await server.admin.users.create.mutate({ email, name, roles, ...fields });
  const set = await postJson(`${server.url}/auth/set-password`, {
    token: invited.setPasswordToken,
    password: TEST_PASSWORD,
  });
  if (set.status !== 200) throw new Error(`set-password answered ${set.status}: ${await set.text()}`);
  return { email, name, userId: invited.user.id };
}

/** Signs in with TEST_PASSWORD and answers the session cookie (`takst_session=…`). */
export async function signIn(baseUrl: string, email: string): Promise<string> {
  const answer = await postJson(`${baseUrl}/auth/sign-in`, { email, password: TEST_PASSWORD });
  if (answer.status !== 200) throw new Error(`sign-in answered ${answer.status}: ${await answer.text()}`);
  return (answer.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

/** The SDK as a signed-in person: the session cookie on every request (as a browser sends it). */
export function sessionClient(baseUrl: string, cookie: string): TakstClient {
  return createTakstClient({ baseUrl, headers: { cookie }, maxRetries: 0 });
}

/** A person with these roles, signed in, as an SDK client. */
export async function signedInPerson(
  server: TestServer,
  roles: Role[],
  fields: { appraiserId?: string; name?: string } = {},
): Promise<TestPerson & { cookie: string; takst: TakstClient }> {
  const person = await invitePerson(server, roles, fields);
  const cookie = await signIn(server.url, person.email);
  return { ...person, cookie, takst: sessionClient(server.url, cookie) };
}
