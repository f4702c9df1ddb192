import { type Actor, createUser, type Logger } from '@takst/api';
import { type MikroORM, UserEntity } from '@takst/db';

/** Who made the first admin user, in its audit entry and event: the server at its first start. */
const STARTUP: Actor = { clientId: null, name: 'server start-up', scopes: ['admin'], user: null, sessionId: null };

/** Used when no TAKST_BOOTSTRAP_ADMIN_EMAIL is set; the admin changes it with users.update. */
export const DEFAULT_ADMIN_EMAIL = 'admin@takst.local';

/** What to print once the server's address is known; null when nothing was created. */
export type StartupNotice = ((serverUrl: string) => string) | null;

/**
 * On a database without users, creates an admin user (TAKST_BOOTSTRAP_ADMIN_EMAIL, else
 * admin@takst.local) with a one-time set-password link, and answers the notice that shows the
 * link once, to the terminal only: like the bootstrap key, the link is a secret and never goes
 * into the logs.
 */
export async function bootstrapAdminUser(
  orm: MikroORM,
  logger: Logger,
  configuredEmail: string | undefined,
): Promise<StartupNotice> {
  const em = orm.em.fork();
  if ((await em.count(UserEntity, {})) > 0) return null;
  const email = configuredEmail ?? DEFAULT_ADMIN_EMAIL;
  const { user, link } = await createUser(
    { em, actor: STARTUP, requestId: 'startup' },
    { email, name: 'Administrator', roles: ['admin'] },
  );
  logger.warn(
    { userId: user.id, email },
    'created the first admin user; its set-password link is printed to stderr once',
  );
  return (serverUrl) =>
    [
      '',
      `  No users existed, so an admin user was created: ${email}.`,
      `  Set its password within 72 hours with this one-time link (shown only this once):`,
      '',
      `    ${serverUrl}/set-password?token=${link.token}`,
      '',
      '  or with curl:',
      '',
      `    curl -X POST ${serverUrl}/auth/set-password -H 'x-takst-csrf: 1' -H 'content-type: application/json' \\`,
      `      -d '{"token":"${link.token}","password":"<at least 10 characters>"}'`,
      '',
      '  Then sign in with the email and that password (POST /auth/sign-in, or the console).',
      ...(configuredEmail ? [] : ['  Set TAKST_BOOTSTRAP_ADMIN_EMAIL to choose the email yourself.']),
      '',
    ].join('\n');
}
