import { z } from 'zod';
import { boundedText, emailSchema, idSchema, pageOf, paginationInput, timestampSchema } from './common';
import { ROLES, SCOPES } from './enums';

export const roleSchema = z.enum(ROLES);

/** A set of roles: no duplicates, at most every role once. */
const rolesSchema = z
  .array(roleSchema)
  .max(ROLES.length)
  .refine((roles) => new Set(roles).size === roles.length, 'Each role at most once');

export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  name: z.string(),
  active: z.boolean(),
  roles: z.array(roleSchema),
  /** The appraiser record of a person who inspects and writes reports; one user per appraiser. */
  appraiserId: idSchema.nullable(),
  /** False until the person has set a password (single sign-on needs none). */
  hasPassword: z.boolean(),
  version: z.number().int(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  deactivatedAt: timestampSchema.nullable(),
});

export const createUserInput = z.object({
  email: emailSchema,
  name: boundedText(200),
  roles: rolesSchema.min(1),
  appraiserId: idSchema.optional(),
});

/**
 * The user, and a one-time link to set a password, shown only in this answer. It works once,
 * until `setPasswordExpiresAt`.
 */
export const invitedUserSchema = z.object({
  user: userSchema,
  setPasswordToken: z.string(),
  setPasswordExpiresAt: timestampSchema,
});

export const userIdInput = z.object({ id: idSchema });

export const updateUserInput = z.object({
  id: idSchema,
  expectedVersion: z.number().int().min(1),
  patch: z
    .object({
      email: emailSchema,
      name: boundedText(200),
      roles: rolesSchema.min(1),
      appraiserId: idSchema.nullable(),
    })
    .partial()
    .refine((patch) => Object.keys(patch).length > 0, 'The patch must change at least one field'),
});

export const listUsersInput = z
  .object({
    ...paginationInput,
    active: z.boolean().optional(),
    role: roleSchema.optional(),
  })
  .prefault({});

export const listUsersOutput = pageOf(userSchema);

export const endSessionsOutput = z.object({ ended: z.number().int() });

/** Who is calling: a person signed in, an API client, or a client acting for a person. */
export const meSchema = z.object({
  /** The signed-in person, or the person an API client acts for (X-Takst-Acting-For). */
  user: userSchema.nullable(),
  apiClient: z.object({ id: idSchema, name: z.string() }).nullable(),
  /** The scopes the call holds; `admin` holds every one. */
  scopes: z.array(z.enum(SCOPES)),
  /** How the call was authenticated. */
  via: z.enum(['api_key', 'session']),
});

export type UserDto = z.output<typeof userSchema>;
export type CreateUserInput = z.output<typeof createUserInput>;
export type UpdateUserInput = z.output<typeof updateUserInput>;
export type ListUsersInput = z.output<typeof listUsersInput>;
export type MeDto = z.output<typeof meSchema>;
