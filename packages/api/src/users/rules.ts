import type { Role } from '@takst/contract';
import { type EntityManager, UniqueConstraintViolationException } from '@takst/db';
import { loadAppraiser } from '../appraisers/service';
import { DomainError } from '../errors';
import { findUserRowByAppraiser, findUserRowByEmail } from './read-model';

/** What the rules look at: the user as a write would leave it. */
export interface UserShape {
  email: string;
  roles: Role[];
  appraiserId: string | null;
}

const emailTaken = (email: string, existingUserId?: string) =>
  new DomainError(
    'CONFLICT',
    'EMAIL_TAKEN',
    `Another user has the email ${email} (emails are compared without regard to case)`,
    existingUserId ? { existingUserId } : undefined,
  );

const appraiserLinked = (appraiserId: string, existingUserId?: string) =>
  new DomainError(
    'CONFLICT',
    'APPRAISER_ALREADY_LINKED',
    `Appraiser ${appraiserId} is linked to another user already`,
    existingUserId ? { existingUserId } : undefined,
  );

/**
 * A person with the appraiser role inspects and writes reports as an appraiser record, so the
 * role needs the link (rules per person, such as "only on assignments assigned to them", follow
 * it). A link without the role is allowed: the record of someone who now only reviews.
 */
function assertAppraiserRoleLinked(user: UserShape, path: readonly string[]): void {
  if (!user.roles.includes('appraiser') || user.appraiserId !== null) return;
  const message = 'A user with the appraiser role must be linked to an appraiser record (appraiserId)';
  throw new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', message, {
    issues: [{ path: [...path, 'appraiserId'], message, code: 'custom' }],
  });
}

/**
 * Refuses a user that breaks a rule: the appraiser role without a link, an email another user
 * has (EMAIL_TAKEN), an appraiser that does not exist or is linked to another user. `userId` is
 * the user being changed (null for a new one); `changed` says which of the unique fields to check.
 * Concurrent writes can still race past these checks: the unique indexes decide, and
 * `explainUniqueViolation` turns the loser's violation into the same refusal.
 */
export async function assertUserAllowed(
  em: EntityManager,
  user: UserShape,
  options: { userId: string | null; changed: { email: boolean; appraiserId: boolean }; path: readonly string[] },
): Promise<void> {
  assertAppraiserRoleLinked(user, options.path);
  if (options.changed.email) {
    const holder = await findUserRowByEmail(em, user.email);
    if (holder && holder.id !== options.userId) throw emailTaken(user.email, holder.id);
  }
  if (options.changed.appraiserId && user.appraiserId !== null) {
    await loadAppraiser(em, user.appraiserId);
    const holder = await findUserRowByAppraiser(em, user.appraiserId);
    if (holder && holder.id !== options.userId) throw appraiserLinked(user.appraiserId, holder.id);
  }
}

const EMAIL_INDEX = 'users_email_key';
const APPRAISER_INDEX = 'users_appraiser_id_key';

/** The refusal a lost race on the users' unique indexes stands for; other errors as they are. */
export async function explainUniqueViolation(em: EntityManager, error: unknown, user: UserShape): Promise<unknown> {
  if (!(error instanceof UniqueConstraintViolationException)) return error;
  const { constraint } = error as { constraint?: unknown };
  if (constraint === EMAIL_INDEX) return emailTaken(user.email, (await findUserRowByEmail(em, user.email))?.id);
  if (constraint === APPRAISER_INDEX && user.appraiserId !== null) {
    return appraiserLinked(user.appraiserId, (await findUserRowByAppraiser(em, user.appraiserId))?.id);
  }
  return error;
}
