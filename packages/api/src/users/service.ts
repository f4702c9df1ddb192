import { type CreateUserInput, type ListUsersInput, ROLES, type Role, type UpdateUserInput } from '@takst/contract';
import { type EntityManager, LockMode, OptimisticLockError, type User, UserEntity } from '@takst/db';
import { recordAudit, type Snapshot } from '../audit/record';
import { DomainError, notFound, versionConflict } from '../errors';
import type { Page } from '../lib/keyset-search';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import type { Actor, ServiceContext } from '../platform';
import type { UserRow } from './mapper';
import { findUserRow, listUserRows } from './read-model';
import { assertUserAllowed, explainUniqueViolation, type UserShape } from './rules';
import { endOpenSessions } from './sessions';
import { dropUnusedLinks, issueSetPasswordLink, type SetPasswordLink } from './set-password-links';

export const userNotFound = (id: string) => notFound('USER_NOT_FOUND', `No user with id ${id}`);

/** A user as the audit log and the event log see it: never the password hash, never a token. */
function audited(user: User): Snapshot {
  return {
    email: user.email,
    name: user.name,
    active: user.active,
    roles: [...user.roles],
    appraiserId: user.appraiserId ?? null,
    deactivatedAt: user.deactivatedAt?.toISOString() ?? null,
  };
}

/** Roles in one order (ROLES'), so the same set is stored, compared and shown alike. */
export const inRoleOrder = (roles: readonly Role[]): Role[] => ROLES.filter((role) => roles.includes(role));

const shapeOf = (user: Pick<User, 'email' | 'roles' | 'appraiserId'>): UserShape => ({
  email: user.email,
  roles: user.roles as Role[],
  appraiserId: user.appraiserId ?? null,
});

async function rowOf(em: EntityManager, id: string): Promise<UserRow> {
  const row = await findUserRow(em, id);
  if (!row) throw userNotFound(id);
  return row;
}

export const getUser = rowOf;

export const listUsers = (em: EntityManager, input: ListUsersInput): Promise<Page<UserRow>> => listUserRows(em, input);

/** Loads a user for a write; `lock` holds its row until the transaction ends. */
async function loadUser(tx: EntityManager, id: string, lock = false): Promise<User> {
  const user = await tx.findOne(UserEntity, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!user) throw userNotFound(id);
  return user;
}

export interface InvitedUser {
  user: UserRow;
  link: SetPasswordLink;
}

/** Who creates a user: the actor (which may be the new person, signing in through a provider). */
export interface UserCreator {
  requestId: string;
  actorFor(user: User): Actor;
}

/**
 * Inserts an active user without a password, audited as `created`, in the caller's transaction;
 * refuses what breaks a rule (`assertUserAllowed`).
 */
export async function insertUser(
  tx: EntityManager,
  creator: UserCreator,
  shape: UserShape,
  name: string,
): Promise<User> {
  await assertUserAllowed(tx, shape, { userId: null, changed: { email: true, appraiserId: true }, path: [] });
  const now = new Date();
  const user = tx.create(UserEntity, {
    id: uuidv7(now.getTime()),
    ...shape,
    name,
    active: true,
    passwordHash: null,
    createdAt: now,
    updatedAt: now,
    deactivatedAt: null,
    version: 1,
  });
  const audit = {
    entityType: 'user',
    entityId: user.id,
    action: 'created',
    before: null,
    after: audited(user),
  } as const;
  recordAudit(tx, { actor: creator.actorFor(user), requestId: creator.requestId }, audit);
  // What refers to the user row (a link) is written after it: entities here know nothing of each other's order.
  await tx.flush();
  return user;
}

/** Creates an active user without a password, and a one-time link for them to set one. */
export async function createUser(ctx: ServiceContext, input: CreateUserInput): Promise<InvitedUser> {
  const shape: UserShape = {
    email: input.email,
    roles: inRoleOrder(input.roles),
    appraiserId: input.appraiserId ?? null,
  };
  try {
    return await inTransaction(ctx.em, async (tx) => {
      const user = await insertUser(tx, { requestId: ctx.requestId, actorFor: () => ctx.actor }, shape, input.name);
      const link = await issueSetPasswordLink(tx, user.id, user.createdAt);
      await tx.flush();
      return { user: await rowOf(tx, user.id), link };
    });
  } catch (error) {
    throw await explainUniqueViolation(ctx.em, error, shape);
  }
}

/** The fields the patch really changes. */
function changedFields(user: User, patch: UpdateUserInput['patch']): Partial<UserShape & { name: string }> {
  const changed: Partial<UserShape & { name: string }> = {};
  if (patch.email !== undefined && patch.email !== user.email) changed.email = patch.email;
  if (patch.name !== undefined && patch.name !== user.name) changed.name = patch.name;
  if (patch.roles !== undefined) {
    const roles = inRoleOrder(patch.roles);
    if (roles.join() !== user.roles.join()) changed.roles = roles;
  }
  if (patch.appraiserId !== undefined && patch.appraiserId !== (user.appraiserId ?? null)) {
    changed.appraiserId = patch.appraiserId;
  }
  return changed;
}

const userVersionConflict = (id: string, expected: number, current: number | undefined) =>
  versionConflict(`User ${id}`, current, expected);

/** Applies the patch at the version the caller read; a patch that changes nothing writes nothing. */
export async function updateUser(ctx: ServiceContext, input: UpdateUserInput): Promise<UserRow> {
  let next: UserShape | undefined;
  try {
    return await inTransaction(ctx.em, async (tx) => {
      const user = await loadUser(tx, input.id);
      if (user.version !== input.expectedVersion) {
        throw userVersionConflict(input.id, input.expectedVersion, user.version);
      }
      const changed = changedFields(user, input.patch);
      if (Object.keys(changed).length === 0) return rowOf(tx, user.id);
      next = { ...shapeOf(user), ...changed };
      await assertUserAllowed(tx, next, {
        userId: user.id,
        changed: { email: changed.email !== undefined, appraiserId: changed.appraiserId !== undefined },
        path: ['patch'],
      });
      const before = audited(user);
      tx.assign(user, { ...changed, updatedAt: new Date() });
      recordAudit(tx, ctx, { entityType: 'user', entityId: user.id, action: 'updated', before, after: audited(user) });
      // The version column makes the UPDATE conditional on the version read above.
      await tx.flush();
      return rowOf(tx, user.id);
    });
  } catch (error) {
    if (error instanceof OptimisticLockError) {
      const current = await findUserRow(ctx.em, input.id);
      throw userVersionConflict(input.id, input.expectedVersion, current?.version);
    }
    throw next ? await explainUniqueViolation(ctx.em, error, next) : error;
  }
}

/**
 * Deactivates a user and ends their open sessions at once (in every server process: a trigger
 * announces it). Their unused set-password links stop working. Deactivating an inactive user
 * changes nothing.
 */
export function deactivateUser(ctx: ServiceContext, id: string): Promise<{ user: UserRow; changed: boolean }> {
  return inTransaction(ctx.em, async (tx) => {
    // Locked, so two deactivations at once take turns and the second finds nothing to do.
    const user = await loadUser(tx, id, true);
    if (!user.active) return { user: await rowOf(tx, id), changed: false };
    const before = audited(user);
    const now = new Date();
    tx.assign(user, { active: false, deactivatedAt: now, updatedAt: now });
    recordAudit(tx, ctx, { entityType: 'user', entityId: id, action: 'deactivated', before, after: audited(user) });
    await tx.flush();
    await endOpenSessions(tx, id, 'user_deactivated', now);
    await dropUnusedLinks(tx, id);
    return { user: await rowOf(tx, id), changed: true };
  });
}

/** Ends every open session of a user; says how many there were. Ending none records nothing. */
export function endUserSessions(ctx: ServiceContext, id: string): Promise<{ ended: number; changed: boolean }> {
  return inTransaction(ctx.em, async (tx) => {
    await loadUser(tx, id);
    const ended = await endOpenSessions(tx, id, 'ended_by_admin', new Date());
    if (ended > 0) {
      recordAudit(tx, ctx, {
        entityType: 'user',
        entityId: id,
        action: 'sessions_ended',
        before: { openSessions: ended },
        after: { openSessions: 0 },
      });
      await tx.flush();
    }
    return { ended, changed: ended > 0 };
  });
}

/**
 * A new one-time set-password link for an active user (a first password, or a forgotten one);
 * the user's earlier unused links stop working.
 */
export function sendSetPasswordLink(ctx: ServiceContext, id: string): Promise<InvitedUser> {
  return inTransaction(ctx.em, async (tx) => {
    // Locked, so two links issued at once cannot both stay valid.
    const user = await loadUser(tx, id, true);
    if (!user.active) {
      throw new DomainError(
        'CONFLICT',
        'USER_INACTIVE',
        `User ${id} is deactivated; a set-password link would not work`,
      );
    }
    const link = await issueSetPasswordLink(tx, id, new Date());
    recordAudit(tx, ctx, {
      entityType: 'user',
      entityId: id,
      action: 'set_password_link_issued',
      before: null,
      after: { setPasswordLinkExpiresAt: link.expiresAt.toISOString() },
    });
    await tx.flush();
    return { user: await rowOf(tx, id), link };
  });
}
