import { z } from 'zod';
import {
  boundedText,
  emailSchema,
  expectedVersionSchema,
  idSchema,
  pageOf,
  paginationInput,
  timestampSchema,
} from './common';
import { ROLES, SCOPES } from './enums';

export const roleSchema = z.enum(ROLES).meta({
  description:
    'What a person does in the firm, which grants them scopes: appraiser, reviewer, support or admin (every scope).',
  examples: ['appraiser'],
});

/** A set of roles: no duplicates, at most every role once. */
const rolesSchema = z
  .array(roleSchema)
  .max(ROLES.length)
  .refine((roles) => new Set(roles).size === roles.length, 'Each role at most once');

export const userSchema = z
  .object({
    id: idSchema.describe("The user's id."),
    email: z
      .string()
      .meta({ description: 'E-mail address, also the sign-in name.', examples: ['kari.nordmann@example.no'] }),
    name: z.string().meta({ description: 'Full name.', examples: ['Kari Nordmann'] }),
    active: z.boolean().describe('False once deactivated: they can no longer sign in.'),
    roles: z.array(roleSchema).meta({ description: 'Their roles, each at most once.', examples: [['appraiser']] }),
    appraiserId: idSchema
      .nullable()
      .describe(
        'The appraiser record of a person who inspects and writes reports (one user per appraiser); null otherwise.',
      ),
    hasPassword: z.boolean().describe('False until the person has set a password (single sign-on needs none).'),
    version: z
      .number()
      .int()
      .meta({
        description:
          'The version of the record: 1 when it was made, one more on each change. Send it back as `expectedVersion` to change it.',
        examples: [3],
      }),
    createdAt: timestampSchema.describe('When the account was made.'),
    updatedAt: timestampSchema.describe('When it last changed.'),
    deactivatedAt: timestampSchema.nullable().describe('When it was deactivated; null while active.'),
  })
  .meta({ id: 'User', description: 'A person of the firm who signs in, with their roles.' });

export const createUserInput = z
  .object({
    email: emailSchema.describe('E-mail address, the sign-in name; unique.'),
    name: boundedText(200).meta({ description: 'Full name, up to 200 characters.', examples: ['Kari Nordmann'] }),
    roles: rolesSchema
      .min(1)
      .meta({ description: 'Their roles: at least one, each at most once.', examples: [['appraiser']] }),
    appraiserId: idSchema
      .optional()
      .describe('The appraiser record, for a person who inspects and writes reports; one user per appraiser.'),
  })
  .meta({ description: 'A new account for a person of the firm; the answer holds a one-time link to set a password.' });

/**
 * The user, and a one-time link to set a password, shown only in this answer. It works once,
 * until `setPasswordExpiresAt`.
 */
export const invitedUserSchema = z
  .object({
    user: userSchema.describe('The account.'),
    setPasswordToken: z.string().describe('The one-time token of the set-password link: shown only here, works once.'),
    setPasswordExpiresAt: timestampSchema.describe('When the token stops working.'),
  })
  .meta({
    id: 'InvitedUser',
    description:
      'A user and a one-time token to set a password, shown only in this answer; it works once, until it expires.',
  });

export const userIdInput = z
  .object({ id: idSchema.describe("The user's id.") })
  .meta({ description: 'Names one user by id.' });

export const updateUserInput = z
  .object({
    id: idSchema.describe("The user's id."),
    expectedVersion: expectedVersionSchema,
    patch: z
      .object({
        email: emailSchema.describe('A new e-mail address (sign-in name).'),
        name: boundedText(200).describe('A new name, up to 200 characters.'),
        roles: rolesSchema
          .min(1)
          .describe('The whole set of roles (it replaces the old one): at least one, each once.'),
        appraiserId: idSchema.nullable().describe('The appraiser record, or null to unlink it.'),
      })
      .partial()
      .refine((patch) => Object.keys(patch).length > 0, 'The patch must change at least one field')
      .meta({
        description: 'The fields to change, at least one; a field left out stays as it is.',
        examples: [{ roles: ['appraiser', 'reviewer'] }],
      }),
  })
  .meta({ description: "Changes a user's name, e-mail, roles or appraiser record." });

export const listUsersInput = z
  .object({
    ...paginationInput,
    active: z.boolean().optional().describe('Only active (true) or only deactivated (false) users.'),
    role: roleSchema.optional().describe('Only users with this role.'),
  })
  .meta({ description: 'Users, a page at a time; every filter is optional.' })
  .prefault({});

export const listUsersOutput = pageOf(userSchema).meta({ id: 'UserPage', description: 'One page of users.' });

export const endSessionsOutput = z
  .object({
    ended: z
      .number()
      .int()
      .meta({ description: 'How many sessions were ended.', examples: [2] }),
  })
  .meta({ description: 'Every session of the user was ended.' });

/** Who is calling: a person signed in, an API client, or a client acting for a person. */
export const meSchema = z
  .object({
    user: userSchema
      .nullable()
      .describe('The signed-in person, or the person an API client acts for (X-Takst-Acting-For); null otherwise.'),
    apiClient: z
      .object({
        id: idSchema.describe("The API client's id."),
        name: z.string().meta({ description: "The API client's name.", examples: ['CRM-integrasjon'] }),
      })
      .nullable()
      .describe('The API client whose key made the call; null for a session.'),
    scopes: z.array(z.enum(SCOPES)).meta({
      description: 'The scopes the call holds; `admin` holds every one.',
      examples: [['assignments:read', 'events:read']],
    }),
    via: z
      .enum(['api_key', 'session'])
      .describe('How the call was authenticated: api_key (Authorization: Bearer) or session (cookie).'),
  })
  .meta({
    id: 'Me',
    description: 'Who is calling: a person signed in, an API client, or a client acting for a person.',
  });

export type UserDto = z.output<typeof userSchema>;
export type CreateUserInput = z.output<typeof createUserInput>;
export type UpdateUserInput = z.output<typeof updateUserInput>;
export type ListUsersInput = z.output<typeof listUsersInput>;
export type MeDto = z.output<typeof meSchema>;
