import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A person who works in the platform: an appraiser, a reviewer, support staff, an administrator. */
export const UserEntity = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    email: p.string(),
    name: p.string(),
    active: p.boolean(),
    roles: p.array(),
    appraiserId: p.uuid().nullable(),
    /** An argon2id hash; null until the person sets a password (or for single sign-on only). */
    passwordHash: p.string().nullable().lazy(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
    deactivatedAt: p.datetime(3).nullable(),
    version: p.integer().version(),
  },
});
export type User = InferEntity<typeof UserEntity>;

/** A one-time link to set a password: only the SHA-256 of its token is kept. */
export const UserTokenEntity = defineEntity({
  name: 'UserToken',
  tableName: 'user_tokens',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    tokenHash: p.string().unique(),
    purpose: p.string(),
    createdAt: p.datetime(3),
    expiresAt: p.datetime(3),
    usedAt: p.datetime(3).nullable(),
  },
});
export type UserToken = InferEntity<typeof UserTokenEntity>;

/** A signed-in browser: only the SHA-256 of its cookie's token is kept. */
export const SessionEntity = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    tokenHash: p.string().unique(),
    method: p.string(),
    createdAt: p.datetime(3),
    lastSeenAt: p.datetime(3),
    /** The absolute end; the idle end is `lastSeenAt` plus the idle timeout. */
    expiresAt: p.datetime(3),
    endedAt: p.datetime(3).nullable(),
    endedReason: p.string().nullable(),
    userAgent: p.string().nullable(),
    address: p.string().nullable(),
  },
});
export type Session = InferEntity<typeof SessionEntity>;
