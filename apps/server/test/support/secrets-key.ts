import { randomBytes } from 'node:crypto';

/**
 * The TAKST_SECRETS_KEY every server and worker a test starts is given (a server on a
 * DATABASE_URL refuses to start without one): one per test process, so the servers and workers
 * a test file starts on its database all read each other's webhook secrets.
 */
export const TEST_SECRETS_KEY = randomBytes(32).toString('base64');
